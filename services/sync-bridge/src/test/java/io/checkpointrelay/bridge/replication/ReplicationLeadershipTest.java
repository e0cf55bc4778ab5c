package io.checkpointrelay.bridge.replication;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Several bridges share one storage: the holder of the replication lease replicates, the others
 * stand by, still ready to serve streams. Here the test plays the other bridge: it takes the lease
 * from this one and gives it back.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ReplicationLeadershipTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    ReplicationLeadership leadership;

    @Inject
    SourceConnections connections;

    private Storage storage;
    /** The other bridge's session: it holds the lease once granted; closing it gives the lease back. */
    private Connection otherBridge;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @AfterEach
    void releaseTheLease() throws SQLException {
        if (otherBridge != null) {
            otherBridge.close();
        }
        Storage.whenReplicating(dataSource, status);
    }

    @Test
    void onlyOneBridgeHoldsTheLease() throws Exception {
        assertThat(leadership.tryAcquire()).as("this bridge replicates, so it holds the lease").isEmpty();
        given().get("/q/metrics").then().statusCode(200).body(containsString("relay_replication_leader 1.0"));
    }

    @Test
    void aBridgeWhoseSessionDiesStandsByStaysReadyAndTakesOverWhenTheLeaseIsFree() throws Exception {
        // The other bridge queues for the lease, so PostgreSQL hands it over the moment it is free (a
        // polling try-lock could lose the race against this bridge's own retry).
        otherBridge = connections.openSession("relay-test-other-bridge");
        CompletableFuture<Void> granted = CompletableFuture.runAsync(() -> {
            try (PreparedStatement lock = otherBridge.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                lock.setString(1, leadership.lockName());
                lock.execute();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> storage.scalar("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = 'relay-test-other-bridge'") == 1);

        // The lease's session ends (as when the database drops a connection).
        storage.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'relay-sync-bridge-leader%'");
        granted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(leadership.tryAcquire()).as("the other bridge holds the lease").isEmpty();

        await().atMost(WAIT).until(() -> status.state() == ReplicationStatus.State.STANDBY);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'replication' }.data.state", is("STANDBY"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("relay_replication_leader 0.0"));
        assertThat(storage.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'relay_bridge' AND active"))
                .as("the standby released the slot").isZero();

        otherBridge.close();
        otherBridge = null;
        await("this bridge takes over").atMost(WAIT).until(() -> status.state() == ReplicationStatus.State.REPLICATING);
        assertThat(storage.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'relay_bridge' AND active")).isOne();
    }
}
