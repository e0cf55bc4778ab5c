package io.checkpointrelay.bridge.checkpoint;

import static io.checkpointrelay.bridge.testing.CheckpointApi.request;
import static io.checkpointrelay.bridge.testing.CheckpointApi.writeCheckpoint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.CheckpointApi;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Managed mode: the bridge's own write checkpoints (legacy GET) and checkpoint requests (POST),
 * recorded with the source position and delivered on the stream once storage reached it, also on
 * a database where nothing else happens.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ManagedCheckpointTest {

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void legacyWriteCheckpointsReachTheClientWithoutOtherWrites() {
        String user = "legacy-" + UUID.randomUUID();
        try (StreamClient stream = open(user, "device")) {
            stream.untilCheckpointComplete();

            assertThat(writeCheckpoint(user, "device")).isEqualTo("1");
            List<JsonNode> lines = stream.untilCheckpointComplete();
            assertThat(lines.get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("1");
            assertThat(lines.get(0).at("/checkpoint_diff/updated_buckets")).isEmpty();

            assertThat(writeCheckpoint(user, "device")).as("each call a new, greater id").isEqualTo("2");
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("2");
        }
        assertThat(writeCheckpoint(user, "other-device")).as("ids count per (user, client)").isEqualTo("1");
        assertThat(writeCheckpoint("someone-else-" + UUID.randomUUID(), "device")).isEqualTo("1");
    }

    @Test
    void aLegacyWriteCheckpointIsGreaterThanTheClientsReplicatedCheckpoint() {
        String user = "mixed-" + UUID.randomUUID();
        storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'device', 7)", user);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> storage.scalar("SELECT count(*) FROM relay_sync.write_checkpoints WHERE user_id = ?", user) == 1);

        // 7 is delivered already: an answer of 7 or less would let the client apply data before its writes.
        assertThat(writeCheckpoint(user, "device")).isEqualTo("8");
    }

    @Test
    void postedRequestsFollowTheMonotonicRules() {
        String user = "requests-" + UUID.randomUUID();
        try (StreamClient stream = open(user, "device")) {
            stream.untilCheckpointComplete();

            assertThat(request(user, "device", "\"5\"")).isEqualTo("5");
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("5");
            Map<String, Object> recorded = record(user, "device");

            assertThat(request(user, "device", "3")).as("a stale id gets the stored one back").isEqualTo("5");
            assertThat(record(user, "device")).as("and changes nothing").isEqualTo(recorded);

            assertThat(request(user, "device", "5")).isEqualTo("5");
            Map<String, Object> refreshed = record(user, "device");
            assertThat(refreshed.get("lsn")).as("an equal id keeps its position").isEqualTo(recorded.get("lsn"));
            assertThat(refreshed.get("requested_at")).isEqualTo(recorded.get("requested_at"));
            assertThat((java.sql.Timestamp) refreshed.get("touched_at")).as("but refreshes its retention")
                    .isAfter((java.sql.Timestamp) recorded.get("touched_at"));
            stream.expectSilence(Duration.ofMillis(1500));

            assertThat(request(user, "device", "\"9223372036854775807\"")).isEqualTo("9223372036854775807");
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue())
                    .isEqualTo("9223372036854775807");
            assertThat(storage.text("SELECT (lsn > '" + recorded.get("lsn") + "'::pg_lsn)::text FROM relay_sync.checkpoint_requests"
                    + " WHERE user_id = '" + user + "'")).as("a greater id records the current position").isEqualTo("true");
        }
    }

    @Test
    void aRequestCoversEveryWriteCommittedBeforeIt() throws Exception {
        // The test database commits asynchronously (as some deployments do): a commit returns before
        // its WAL is written, so the written position may still lie behind a write the client just made.
        String user = "covered-" + UUID.randomUUID();
        String committedUpTo;
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO lists (id, name, owner_id) VALUES (gen_random_uuid(), 'just written', '" + user + "')");
            try (ResultSet position = sql.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                position.next();
                committedUpTo = position.getString(1);
            }
        }
        assertThat(request(user, "device", "1")).isEqualTo("1");
        assertThat(storage.text("SELECT (lsn >= '" + committedUpTo + "'::pg_lsn)::text FROM relay_sync.checkpoint_requests"
                + " WHERE user_id = '" + user + "'")).as("the recorded position includes the write").isEqualTo("true");

        try (StreamClient stream = open(user, "device")) {
            List<JsonNode> received = new ArrayList<>();
            List<JsonNode> lines;
            do {
                lines = stream.untilCheckpointComplete();
                received.addAll(lines);
            } while (!"1".equals(lines.get(0).at("/checkpoint/write_checkpoint").textValue())
                    && !"1".equals(lines.get(0).at("/checkpoint_diff/write_checkpoint").textValue()));
            assertThat(received).as("the client has the write once its request is fulfilled")
                    .anyMatch(line -> ("user_lists[\"" + user + "\"]").equals(line.at("/data/bucket").textValue()));
        }
    }

    @Test
    void concurrentPostsKeepTheGreatestId() throws Exception {
        String user = "concurrent-" + UUID.randomUUID();
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= 48; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids);
        Map<Integer, Long> answers = new ConcurrentHashMap<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> posts = new ArrayList<>();
            for (int id : ids) {
                posts.add(threads.submit(() -> answers.put(id, Long.parseLong(request(user, "device", Integer.toString(id))))));
            }
            for (Future<?> post : posts) {
                post.get();
            }
        }
        answers.forEach((posted, answer) -> assertThat(answer).as("answer to %d", posted).isGreaterThanOrEqualTo(posted));
        assertThat(answers.get(48)).isEqualTo(48);
        assertThat(storage.scalar("SELECT request_id FROM relay_sync.checkpoint_requests WHERE user_id = ?", user)).isEqualTo(48);
        assertThat(request(user, "device", "47")).isEqualTo("48");
        try (StreamClient stream = open(user, "device")) {
            String delivered = stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").textValue();
            if (delivered == null) {
                // Replication had not yet stored the request's position: the next checkpoint carries it.
                delivered = stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue();
            }
            assertThat(delivered).isEqualTo("48");
        }
    }

    @Test
    void theClientGetsTheGreaterOfItsReplicatedAndItsRequestedCheckpoint() {
        String user = "greater-" + UUID.randomUUID();
        try (StreamClient stream = open(user, "device")) {
            stream.untilCheckpointComplete();
            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'device', 7)", user);
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("7");

            assertThat(request(user, "device", "5")).isEqualTo("5");
            stream.expectSilence(Duration.ofMillis(1500));

            assertThat(request(user, "device", "12")).isEqualTo("12");
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("12");

            storage.sql("UPDATE checkpoints SET checkpoint = 15 WHERE user_id = ? AND client_id = 'device'", user);
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("15");
        }
    }

    @Test
    void aRequestIsRememberedAcrossReconnects() {
        String user = "reconnect-" + UUID.randomUUID();
        assertThat(request(user, "device", "4")).isEqualTo("4");
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.scalar("SELECT count(*) FROM relay_sync.checkpoint_requests r"
                + " JOIN relay_sync.replication_state s ON r.lsn <= s.last_lsn WHERE r.user_id = ?", user) == 1);
        for (int connection = 0; connection < 2; connection++) {
            try (StreamClient stream = open(user, "device")) {
                assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").textValue()).isEqualTo("4");
            }
        }
        try (StreamClient stream = open(user, "another-device")) {
            assertThat(stream.untilCheckpointComplete().get(0).at("/checkpoint/write_checkpoint").isMissingNode()).isTrue();
        }
    }

    @Test
    void badRequestsGetJsonErrorsAndRecordNothing() {
        String user = "bad-" + UUID.randomUUID();
        for (String id : List.of("0", "-1", "\"0\"", "\"abc\"", "1.5", "\"1e3\"", "9223372036854775808", "null", "true", "{}")) {
            CheckpointApi.post(user, "device", id).then().statusCode(400).contentType("application/json")
                    .body("error.code", is("BAD_REQUEST")).body("error.message", containsString("checkpoint_request_id"));
        }
        CheckpointApi.postBody(user, "{\"checkpoint_request_id\":\"5\"}").then().statusCode(400)
                .body("error.code", is("BAD_REQUEST")).body("error.message", containsString("client_id"));
        CheckpointApi.postBody(user, "{\"client_id\":7,\"checkpoint_request_id\":\"5\"}").then().statusCode(400)
                .body("error.message", containsString("client_id"));
        CheckpointApi.post(user, "c".repeat(ClientKey.MAX_CLIENT_ID_LENGTH + 1), "\"5\"").then().statusCode(400)
                .body("error.message", containsString("client_id is longer than " + ClientKey.MAX_CLIENT_ID_LENGTH));
        CheckpointApi.postBody(user, "[1,2]").then().statusCode(400).body("error.code", is("BAD_REQUEST"));
        CheckpointApi.postBody(user, "{\"client_id\":").then().statusCode(400).body("error.code", is("BAD_REQUEST"));
        given().header("Authorization", "Token " + CheckpointApi.token(user)).get("/write-checkpoint2.json").then().statusCode(400)
                .body("error.code", is("BAD_REQUEST")).body("error.message", containsString("client_id"));
        assertThat(storage.scalar("SELECT count(*) FROM relay_sync.checkpoint_requests WHERE user_id = ?", user)).isZero();

        assertThat(request(user, "c".repeat(ClientKey.MAX_CLIENT_ID_LENGTH), "\"5\"")).as("the longest client id is fine").isEqualTo("5");

        given().get("/write-checkpoint2.json?client_id=device").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().contentType("application/json").body("{\"client_id\":\"device\",\"checkpoint_request_id\":\"5\"}")
                .post("/sync/checkpoint-request").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
    }

    /** The stored managed request of (user, client). */
    private Map<String, Object> record(String user, String client) {
        return storage.row("SELECT request_id, lsn::text AS lsn, requested_at, touched_at FROM relay_sync.checkpoint_requests"
                + " WHERE user_id = ? AND client_id = ?", user, client);
    }

    private StreamClient open(String user, String clientId) {
        return StreamClient.open(streamUri, CheckpointApi.token(user),
                "{\"client_id\":\"" + clientId + "\",\"raw_data\":true,\"include_checksum\":true,\"buckets\":[]}");
    }
}
