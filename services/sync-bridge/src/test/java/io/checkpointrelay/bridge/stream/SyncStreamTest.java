package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The sync stream over HTTP, fed by real replication from PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SyncStreamTest {

    private static final DevTokens TOKENS = new DevTokens(PostgresResource.JWT_SECRET);

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    StreamMetrics streams;

    @Inject
    CheckpointNotifier notifier;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void clientsReceiveTheirRowsAndOnlyTheirOwnWriteCheckpoint() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        String aliceTodos = "user_todos[\"" + alice + "\"]";
        String aliceLists = "user_lists[\"" + alice + "\"]";
        try (StreamClient client1 = open(alice, "client-1"); StreamClient client2 = open(alice, "client-2");
                StreamClient bobStream = open(bob, "bob-client")) {
            assertThat(client1.response().statusCode()).isEqualTo(200);
            assertThat(client1.response().headers().firstValue("Content-Type")).as("stock clients prefer BSON")
                    .hasValue("application/vnd.powersync.bson-stream");
            assertThat(client1.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");

            SyncedClient synced1 = new SyncedClient();
            List<JsonNode> first = client1.untilCheckpointComplete();
            assertThat(first.get(0).has("checkpoint")).as("a stream starts with a full checkpoint").isTrue();
            assertThat(first.get(0).at("/checkpoint/buckets")).extracting(b -> b.get("bucket").textValue(),
                    b -> b.get("checksum").intValue(), b -> b.get("count").intValue(), b -> b.get("priority").intValue())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(aliceLists, 0, 0, 3),
                            org.assertj.core.groups.Tuple.tuple(aliceTodos, 0, 0, 3),
                            org.assertj.core.groups.Tuple.tuple("user_rejections[\"" + alice + "\"]", 0, 0, 3));
            assertThat(first.get(0).at("/checkpoint/write_checkpoint").isMissingNode()).isTrue();
            assertThat(first).hasSize(2);
            synced1.apply(first);
            SyncedClient synced2 = new SyncedClient();
            synced2.apply(client2.untilCheckpointComplete());
            SyncedClient bobSynced = new SyncedClient();
            bobSynced.apply(bobStream.untilCheckpointComplete());

            UUID list = UUID.randomUUID();
            UUID milk = UUID.randomUUID();
            UUID bread = UUID.randomUUID();
            storage.transaction(
                    new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Groceries', ?)", list, alice },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Milk', ?, ?)", milk, alice, list },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Bread', ?, ?)", bread, alice, list });

            List<JsonNode> change = client1.untilCheckpointComplete();
            assertThat(change.get(0).has("checkpoint_diff")).isTrue();
            assertThat(change.get(0).at("/checkpoint_diff/updated_buckets")).hasSize(2);
            assertThat(change).filteredOn(line -> line.has("data")).hasSize(2);
            synced1.apply(change);
            synced1.assertChecksumsMatch();
            assertThat(synced1.objects(aliceTodos)).containsOnlyKeys("todos/" + milk, "todos/" + bread);
            assertThat(synced1.objects(aliceTodos).get("todos/" + milk)).contains("\"description\":\"Milk\"");
            assertThat(synced1.objects(aliceLists)).containsOnlyKeys("lists/" + list);
            synced2.apply(client2.untilCheckpointComplete());
            synced2.assertChecksumsMatch();

            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'client-1', 7)", alice);

            List<JsonNode> written = client1.untilCheckpointComplete();
            assertThat(written.get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("7");
            assertThat(written.get(0).at("/checkpoint_diff/updated_buckets")).isEmpty();
            synced1.apply(written);
            assertThat(synced1.writeCheckpoint()).isEqualTo("7");
            client2.expectSilence(Duration.ofMillis(1500));

            UUID eggs = UUID.randomUUID();
            storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Eggs', ?, ?)", eggs, alice, list);

            List<JsonNode> later1 = client1.untilCheckpointComplete();
            assertThat(later1.get(0).at("/checkpoint_diff/write_checkpoint").textValue())
                    .as("a diff repeats the client's write checkpoint").isEqualTo("7");
            synced1.apply(later1);
            synced1.assertChecksumsMatch();
            List<JsonNode> later2 = client2.untilCheckpointComplete();
            assertThat(later2.get(0).at("/checkpoint_diff/write_checkpoint").isMissingNode())
                    .as("client-2 has no write checkpoint").isTrue();
            synced2.apply(later2);
            synced2.assertChecksumsMatch();
            assertThat(synced2.objects(aliceTodos)).containsOnlyKeys("todos/" + milk, "todos/" + bread, "todos/" + eggs);

            UUID bobList = UUID.randomUUID();
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Tools', ?)", bobList, bob);
            List<JsonNode> bobLines = bobStream.untilCheckpointComplete();
            bobSynced.apply(bobLines);
            bobSynced.assertChecksumsMatch();
            assertThat(bobSynced.buckets()).containsOnlyKeys("user_lists[\"" + bob + "\"]", "user_todos[\"" + bob + "\"]",
                    "user_rejections[\"" + bob + "\"]");
            assertThat(bobLines.toString()).doesNotContain(alice);
            assertThat(bobSynced.objects("user_lists[\"" + bob + "\"]")).containsOnlyKeys("lists/" + bobList);
        }
    }

    @Test
    void aReconnectingClientReceivesOnlyWhatItLacks() {
        String erin = "erin-" + UUID.randomUUID();
        String erinTodos = "user_todos[\"" + erin + "\"]";
        UUID list = UUID.randomUUID();
        SyncedClient synced = new SyncedClient();
        try (StreamClient stream = open(erin, "erin-device")) {
            synced.apply(stream.untilCheckpointComplete());
            storage.transaction(
                    new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Work', ?)", list, erin },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'one', ?, ?)", UUID.randomUUID(), erin, list },
                    new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'two', ?, ?)", UUID.randomUUID(), erin, list });
            synced.apply(stream.untilCheckpointComplete());
            synced.assertChecksumsMatch();
        }
        UUID three = UUID.randomUUID();
        storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'three', ?, ?)", three, erin, list);
        storage.sql("UPDATE todos SET description = 'ONE' WHERE description = 'one' AND created_by = ?", erin);
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(erinTodos).count() == 4);

        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(erin, Duration.ofMinutes(5)),
                synced.reconnectBody("erin-device"))) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            assertThat(lines.get(0).has("checkpoint")).isTrue();
            List<JsonNode> data = lines.stream().filter(line -> line.has("data")).toList();
            assertThat(data).as("only the todos bucket changed").singleElement()
                    .satisfies(line -> assertThat(line.at("/data/bucket").textValue()).isEqualTo(erinTodos));
            assertThat(data.get(0).at("/data/data")).as("the two new ops only").hasSize(2);
            synced.apply(lines);
            synced.assertChecksumsMatch();
            assertThat(synced.objects(erinTodos)).hasSize(3).containsKey("todos/" + three);
            assertThat(synced.objects(erinTodos).values()).anySatisfy(row -> assertThat(row).contains("\"description\":\"ONE\""));
        }
    }

    @Test
    void aClientThatDropsABucketAfterAChecksumMismatchDownloadsItAgain() {
        String finn = "finn-" + UUID.randomUUID();
        String finnTodos = "user_todos[\"" + finn + "\"]";
        String finnLists = "user_lists[\"" + finn + "\"]";
        UUID list = UUID.randomUUID();
        storage.transaction(
                new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Trip', ?)", list, finn },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'tent', ?, ?)", UUID.randomUUID(), finn, list },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'map', ?, ?)", UUID.randomUUID(), finn, list },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'boots', ?, ?)", UUID.randomUUID(), finn, list });
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(finnTodos) != null && storage.state(finnTodos).count() == 3);

        SyncedClient synced = new SyncedClient();
        try (StreamClient stream = open(finn, "finn-device")) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            // An op lost on the client's side (a bug, a corrupted write): its sums no longer match.
            lines.stream().filter(line -> finnTodos.equals(line.at("/data/bucket").textValue()))
                    .forEach(line -> ((ArrayNode) line.at("/data/data")).remove(0));
            synced.apply(lines);
        }
        assertThat(synced.mismatchedBuckets()).containsExactly(finnTodos);
        assertThat(synced.objects(finnTodos)).hasSize(2);
        synced.dropBucket(finnTodos);
        assertThat(synced.reconnectBody("finn-device")).doesNotContain("user_todos").contains("user_lists");

        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(finn, Duration.ofMinutes(5)),
                synced.reconnectBody("finn-device"))) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            assertThat(lines).filteredOn(line -> line.has("data")).as("the dropped bucket only, from the start")
                    .allSatisfy(line -> assertThat(line.at("/data/bucket").textValue()).isEqualTo(finnTodos))
                    .first().satisfies(line -> assertThat(line.at("/data/after").textValue()).isEqualTo("0"));
            synced.apply(lines);
            synced.assertChecksumsMatch();
            assertThat(synced.objects(finnTodos)).hasSize(3);
            assertThat(synced.objects(finnLists)).containsOnlyKeys("lists/" + list);
        }

        // Listing the dropped bucket with after "0", rather than leaving it out, asks for the same.
        synced.dropBucket(finnTodos);
        String fromZero = synced.reconnectBody("finn-device")
                .replace("\"buckets\":[", "\"buckets\":[{\"name\":\"user_todos[\\\"" + finn + "\\\"]\",\"after\":\"0\"},");
        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(finn, Duration.ofMinutes(5)), fromZero)) {
            List<JsonNode> data = stream.untilCheckpointComplete().stream().filter(line -> line.has("data")).toList();
            assertThat(data).allSatisfy(line -> assertThat(line.at("/data/bucket").textValue()).isEqualTo(finnTodos));
            assertThat(data.get(0).at("/data/after").textValue()).isEqualTo("0");
            assertThat(data.stream().mapToInt(line -> line.at("/data/data").size()).sum()).isEqualTo(3);
        }
    }

    @Test
    void rowsAndWriteCheckpointsThatExistedBeforeStartAreSynced() {
        try (StreamClient stream = open(PostgresResource.SEED_USER, PostgresResource.SEED_CLIENT)) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            assertThat(lines.get(0).at("/checkpoint/write_checkpoint").textValue()).isEqualTo("3");
            SyncedClient synced = new SyncedClient();
            synced.apply(lines);
            synced.assertChecksumsMatch();
            assertThat(synced.objects("user_lists[\"seed-user\"]")).containsOnlyKeys("lists/" + PostgresResource.SEED_LIST);
        }
    }

    @Test
    void theStreamEndsWhenTheTokenExpiresAndStopsWhenTheClientLeaves() {
        // Counted relative to before, so streams of other tests (still closing) do not matter.
        int openAtStart = streams.open();
        int listenersAtStart = notifier.listenerCount();
        // Long enough that the first keep-alive (2 s after opening) comes before expiry even on a slow machine.
        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue("frank", Duration.ofSeconds(8)), "{}")) {
            assertThat(stream.nextMessage().has("checkpoint")).isTrue();
            assertThat(stream.nextMessage().has("checkpoint_complete")).isTrue();
            JsonNode keepalive = stream.next();
            assertThat(keepalive.get("token_expires_in").intValue()).isBetween(1, 8);
            JsonNode last = stream.next();
            while (last.has("token_expires_in") && last.get("token_expires_in").intValue() > 0) {
                last = stream.next();
            }
            assertThat(last.get("token_expires_in").intValue()).isZero();
            assertThat(StreamClient.isEnd(stream.next())).as("the stream ends after token_expires_in 0").isTrue();
        }
        await("an expired stream stops all its work").atMost(Duration.ofSeconds(10))
                .until(() -> streams.open() <= openAtStart && notifier.listenerCount() <= listenersAtStart);

        int openBefore = streams.open();
        int listenersBefore = notifier.listenerCount();
        StreamClient leaving = open("grace", "grace-device");
        leaving.untilCheckpointComplete();
        assertThat(streams.open()).isEqualTo(openBefore + 1);
        assertThat(notifier.listenerCount()).isEqualTo(listenersBefore + 1);
        leaving.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> streams.open() == openBefore && notifier.listenerCount() == listenersBefore);
    }

    @Test
    void requestsWithoutAValidTokenOrWithBadPositionsAreRejected() throws Exception {
        HttpResponse<String> missing = post(null, "{}");
        assertThat(missing.statusCode()).isEqualTo(401);
        JsonNode body = new ObjectMapper().readTree(missing.body());
        assertThat(body.at("/error/code").textValue()).isEqualTo("UNAUTHORIZED");

        String forged = new DevTokens("another-secret-of-at-least-32-bytes!!").issue("mallory", Duration.ofMinutes(5));
        assertThat(post(forged, "{}").statusCode()).isEqualTo(401);

        HttpResponse<String> badAfter = post(TOKENS.issue("henry", Duration.ofMinutes(5)),
                "{\"buckets\":[{\"name\":\"user_todos[\\\"henry\\\"]\",\"after\":\"abc\"}]}");
        assertThat(badAfter.statusCode()).isEqualTo(400);
        assertThat(badAfter.body()).contains("BAD_REQUEST", "after");
    }

    private StreamClient open(String user, String clientId) {
        return StreamClient.open(streamUri, TOKENS.issue(user, Duration.ofMinutes(5)),
                "{\"client_id\":\"" + clientId + "\",\"raw_data\":true,\"include_checksum\":true,\"buckets\":[],"
                        + "\"parameters\":{},\"app_metadata\":{},\"unknown_field\":1}");
    }

    private HttpResponse<String> post(String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(streamUri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
