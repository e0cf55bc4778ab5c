package io.checkpointrelay.bridge.checkpoint;

import static io.checkpointrelay.bridge.testing.CheckpointApi.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.CheckpointApi;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Write checkpoints expire a retention period (one day here) after their last touch. Time cannot
 * pass in a test, so the test moves the stored touch times back instead.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CheckpointRetentionTest {

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    CheckpointRetention retention;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void writeCheckpointsUntouchedForTheRetentionAreDeletedAndTouchedOnesStay() throws SQLException {
        String user = "retention-" + UUID.randomUUID();
        // More expired rows than one cleanup batch (1000) holds.
        storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) SELECT ?, 'old-' || n, n FROM generate_series(1, 2500) n", user);
        storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'fresh', 1)", user);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> storage.scalar("SELECT count(*) FROM relay_sync.write_checkpoints WHERE user_id = ?", user) == 2501);
        assertThat(request(user, "requested-old", "3")).isEqualTo("3");
        assertThat(request(user, "requested-touched", "4")).isEqualTo("4");

        storage.sql("UPDATE relay_sync.write_checkpoints SET updated_at = now() - interval '25 hours'"
                + " WHERE user_id = ? AND client_id LIKE 'old-%'", user);
        storage.sql("UPDATE relay_sync.checkpoint_requests SET touched_at = now() - interval '25 hours' WHERE user_id = ?", user);
        assertThat(request(user, "requested-touched", "4")).as("an equal id touches its request").isEqualTo("4");
        assertThat(request(user, "requested-old", "2")).as("a stale id does not").isEqualTo("3");

        assertThat(retention.deleteExpired()).isGreaterThanOrEqualTo(2501);

        assertThat(storage.scalar("SELECT count(*) FROM relay_sync.write_checkpoints WHERE user_id = ? AND client_id LIKE 'old-%'", user))
                .isZero();
        assertThat(storage.scalar("SELECT count(*) FROM relay_sync.write_checkpoints WHERE user_id = ?", user)).isEqualTo(1);
        assertThat(storage.scalar("SELECT count(*) FROM relay_sync.checkpoint_requests WHERE user_id = ?", user)).isEqualTo(1);
        assertThat(storage.row("SELECT client_id FROM relay_sync.checkpoint_requests WHERE user_id = ?", user))
                .containsEntry("client_id", "requested-touched");

        try (StreamClient stream = open(user, "requested-old")) {
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").isMissingNode())
                    .as("an expired write checkpoint is not sent").isTrue();
            assertThat(request(user, "requested-old", "1")).as("the client starts again with any id").isEqualTo("1");
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("1");
        }
        try (StreamClient stream = open(user, "requested-touched")) {
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").textValue()).isEqualTo("4");
        }
    }

    private StreamClient open(String user, String clientId) {
        return StreamClient.open(streamUri, CheckpointApi.token(user), "{\"client_id\":\"" + clientId + "\",\"buckets\":[]}");
    }
}
