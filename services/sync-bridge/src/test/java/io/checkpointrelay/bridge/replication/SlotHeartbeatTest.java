package io.checkpointrelay.bridge.replication;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An idle slot does not hold WAL: with only unpublished tables changing (nothing is decoded for the
 * bridge), heartbeats move the stored and the acknowledged position past their WAL. Heartbeats
 * come after 1 s of idleness in tests; the regular status report only every 60 s.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SlotHeartbeatTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    SlotLag slotLag;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void anIdleSlotMovesPastTheWalOfUnpublishedTables() {
        storage.sql("CREATE TABLE IF NOT EXISTS unpublished_notes (id serial PRIMARY KEY, note text)");
        storage.sql("INSERT INTO unpublished_notes (note) SELECT repeat('x', 1000) FROM generate_series(1, 2000)");
        String written = storage.text("SELECT pg_current_wal_lsn()::text");

        await("the slot's confirmed position passes " + written).atMost(Duration.ofSeconds(30)).until(() -> "true".equals(storage.text(
                "SELECT (confirmed_flush_lsn >= '" + written + "'::pg_lsn)::text FROM pg_replication_slots WHERE slot_name = 'relay_bridge'")));
        await("storage's position passes " + written).atMost(Duration.ofSeconds(30)).until(() -> "true".equals(storage.text(
                "SELECT (last_lsn >= '" + written + "'::pg_lsn)::text FROM relay_sync.replication_state WHERE slot_name = 'relay_bridge'")));
    }

    @Test
    void theSlotsLagIsAMetricAndAReadinessDetail() {
        await().atMost(Duration.ofSeconds(30)).until(() -> slotLag.bytes().isPresent());

        given().get("/q/metrics").then().statusCode(200).body(containsString("relay_replication_slot_lag_bytes"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'replication' }.data.slot_lag_bytes", greaterThanOrEqualTo(0));
    }
}
