package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.upload.checkpoint.CheckpointRequestRetention;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Stored checkpoint request ids expire a retention period (one day by default) after they were
 * last posted. Time cannot pass in a test, so the test moves the stored touch times back instead.
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class CheckpointRequestRetentionTest {

    private static final String TOUCHED_AT = "SELECT touched_at FROM relay_upload.checkpoint_requests WHERE user_id = $1 AND client_id = $2";

    @Inject
    Pool pool;

    @Inject
    CheckpointRequestRetention retention;

    @Test
    void idsNotPostedForTheRetentionAreDeletedAndFreshOnesStay() {
        AppDatabase database = new AppDatabase(pool);
        String user = TestClients.uniqueId("retention");
        assertThat(TestClients.requestCheckpoint(user, "old", "7")).isEqualTo("7");
        assertThat(TestClients.requestCheckpoint(user, "fresh", "3")).isEqualTo("3");
        // More expired ids than one cleanup batch (1000) holds.
        database.sql("INSERT INTO relay_upload.checkpoint_requests (user_id, client_id, request_id, touched_at)"
                + " SELECT $1, 'bulk-' || n, n, now() - interval '25 hours' FROM generate_series(1, 2500) n", user);
        database.sql("UPDATE relay_upload.checkpoint_requests SET touched_at = now() - interval '25 hours'"
                + " WHERE user_id = $1 AND client_id = 'old'", user);

        assertThat(retention.deleteExpired().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(2501);

        assertThat(database.scalar("SELECT count(*) FROM relay_upload.checkpoint_requests WHERE user_id = $1", user)).isEqualTo(1);
        assertThat(database.scalar("SELECT request_id FROM relay_upload.checkpoint_requests WHERE user_id = $1 AND client_id = 'fresh'",
                user)).isEqualTo(3);
        assertThat(TestClients.requestCheckpoint(user, "old", "1")).as("an expired client starts again from any id").isEqualTo("1");
    }

    @Test
    void postingAnEqualOrGreaterIdRefreshesItsRetentionAndAStaleOneDoesNot() {
        AppDatabase database = new AppDatabase(pool);
        String user = TestClients.uniqueId("retention");
        for (String client : new String[] { "equal", "greater", "stale", "upload" }) {
            TestClients.requestCheckpoint(user, client, "5");
        }
        database.sql("UPDATE relay_upload.checkpoint_requests SET touched_at = now() - interval '25 hours' WHERE user_id = $1", user);

        assertThat(TestClients.requestCheckpoint(user, "equal", "5")).isEqualTo("5");
        assertThat(TestClients.requestCheckpoint(user, "greater", "6")).isEqualTo("6");
        assertThat(TestClients.requestCheckpoint(user, "stale", "4")).isEqualTo("5");
        TestClients.upload(user, """
                {"client_id": "upload", "checkpoint_request_id": "5", "batch": []}""").then().statusCode(200);

        OffsetDateTime recent = OffsetDateTime.now().minusMinutes(10);
        for (String client : new String[] { "equal", "greater", "upload" }) {
            assertThat(touchedAt(database, user, client)).as(client).isAfter(recent);
        }
        assertThat(touchedAt(database, user, "stale")).isBefore(recent);

        retention.deleteExpired().await().atMost(Duration.ofSeconds(30));
        assertThat(TestClients.requestCheckpoint(user, "equal", "1")).isEqualTo("5");
        assertThat(TestClients.requestCheckpoint(user, "stale", "1")).as("expired").isEqualTo("1");
    }

    private static OffsetDateTime touchedAt(AppDatabase database, String user, String client) {
        return database.sql(TOUCHED_AT, user, client).iterator().next().getOffsetDateTime(0);
    }
}
