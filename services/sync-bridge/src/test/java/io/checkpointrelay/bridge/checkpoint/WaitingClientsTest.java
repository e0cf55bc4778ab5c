package io.checkpointrelay.bridge.checkpoint;

import static io.checkpointrelay.bridge.testing.CheckpointApi.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.CapturedLog;
import io.checkpointrelay.bridge.testing.CheckpointApi;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Clients waiting longer than relay.checkpoints.stuck-after (2 s in tests) are logged once per
 * request and counted: a managed request storage has not reached, and a stored write checkpoint
 * an open stream has not sent.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class WaitingClientsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    WaitingClients waiting;

    @Inject
    MeterRegistry registry;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void aRequestStorageHasNotReachedIsLoggedOnceAndCounted() throws Exception {
        String user = "stuck-" + UUID.randomUUID();
        double stuckBefore = stuck("replication");
        try (CapturedLog log = CapturedLog.of(WaitingClients.class)) {
            try (Connection blocker = dataSource.getConnection()) {
                // Replication cannot store anything while this transaction holds its state row.
                blocker.setAutoCommit(false);
                try (Statement sql = blocker.createStatement()) {
                    sql.execute("SELECT 1 FROM relay_sync.replication_state FOR UPDATE");
                }
                try {
                    assertThat(request(user, "device", "6")).isEqualTo("6");

                    await().atMost(WAIT).until(() -> !log.containing("Client device of user " + user, "checkpoint request 6:").isEmpty());
                    assertThat(log.containing(user).get(0)).containsPattern("waited \\d+ s").contains("storage has not reached");
                    assertThat(waiting.waiting()).isPositive();
                    given().get("/q/metrics").then().statusCode(200)
                            .body(containsString("relay_checkpoints_stuck_total{reason=\"replication\"}"))
                            .body(containsString("relay_checkpoints_waiting"));

                    Thread.sleep(2500); // more checks run while it keeps waiting
                    assertThat(log.containing(user)).as("logged once per request").hasSize(1);
                    assertThat(stuck("replication") - stuckBefore).isEqualTo(1);
                } finally {
                    blocker.rollback();
                }
            }
            await().atMost(WAIT).until(() -> waiting.waiting() == 0);
            try (StreamClient stream = open(user, "device")) {
                assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").textValue()).isEqualTo("6");
            }
            assertThat(log.containing(user)).as("a delivered request is not reported again").hasSize(1);
        }
    }

    @Test
    void aStreamThatHasNotSentItsClientsStoredWriteCheckpointIsLoggedOnceAndCounted() throws Exception {
        String user = "busy-" + UUID.randomUUID();
        UUID list = UUID.randomUUID();
        storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'long', ?)", list, user);
        storage.sql("INSERT INTO todos (id, description, created_by, list_id)"
                + " SELECT gen_random_uuid(), 'todo ' || n, ?, ? FROM generate_series(1, 1500) n", user, list);
        await().atMost(WAIT).until(() -> storage.state("user_todos[\"" + user + "\"]") != null
                && storage.state("user_todos[\"" + user + "\"]").count() == 1500);
        double stuckBefore = stuck("delivery");

        try (CapturedLog log = CapturedLog.of(WaitingClients.class)) {
            try (Connection blocker = dataSource.getConnection()) {
                // Reading ops waits for this transaction: a stream's download stalls (as a long one would)
                // while replication still stores checkpoints rows (they add no ops).
                blocker.setAutoCommit(false);
                try (Statement sql = blocker.createStatement()) {
                    sql.execute("LOCK TABLE relay_sync.bucket_data IN ACCESS EXCLUSIVE MODE");
                }
                try (StreamClient stream = open(user, "busy-device")) {
                    try {
                        assertThat(stream.nextMessage().has("checkpoint")).isTrue();
                        storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'busy-device', 11)", user);

                        await().atMost(WAIT).until(() -> !log.containing("Client busy-device of user " + user, "checkpoint request 11:").isEmpty());
                        assertThat(log.containing(user).get(0)).containsPattern("waited \\d+ s").contains("has not sent it yet");
                        assertThat(waiting.waiting()).isPositive();
                        Thread.sleep(2500); // more checks run while it keeps waiting
                        assertThat(log.containing(user)).as("logged once per request").hasSize(1);
                        assertThat(stuck("delivery") - stuckBefore).isEqualTo(1);
                    } finally {
                        blocker.rollback();
                    }
                    // The diff carrying 11 interrupts the stalled download, or follows it when the
                    // download went on first.
                    List<JsonNode> lines = new ArrayList<>(stream.untilCheckpointComplete());
                    if (lines.stream().noneMatch(WaitingClientsTest::carries11)) {
                        lines.addAll(stream.untilCheckpointComplete());
                    }
                    assertThat(lines).filteredOn(line -> line.has("data")).isNotEmpty();
                    assertThat(lines).anyMatch(WaitingClientsTest::carries11);
                }
            }
            await("a delivered write checkpoint no longer waits").atMost(WAIT).until(() -> waiting.waiting() == 0);
            assertThat(log.containing(user)).hasSize(1);
        }
    }

    private double stuck(String reason) {
        return registry.get("relay.checkpoints.stuck").tag("reason", reason).counter().count();
    }

    private StreamClient open(String user, String clientId) {
        return StreamClient.open(streamUri, CheckpointApi.token(user), "{\"client_id\":\"" + clientId + "\",\"buckets\":[]}");
    }

    private static boolean carries11(JsonNode line) {
        return "11".equals(line.at("/checkpoint_diff/write_checkpoint").textValue());
    }
}
