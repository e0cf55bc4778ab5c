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
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Framing (BSON or NDJSON by the Accept header) and compression of the sync stream over HTTP. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StreamFramingTest {

    private static final DevTokens TOKENS = new DevTokens(PostgresResource.JWT_SECRET);
    private static final String BSON = "application/vnd.powersync.bson-stream";

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
    void stockClientsGetBsonDocumentsWithTheSameLinesAsNdjson() {
        String user = "bea-" + UUID.randomUUID();
        String lists = "user_lists[\"" + user + "\"]";
        UUID list = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        storage.transaction(
                new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Books', ?)", list, user },
                new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Gone', ?)", gone, user },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'Dune \"1965\" ü', ?, ?)",
                        UUID.randomUUID(), user, list });
        storage.sql("DELETE FROM lists WHERE id = ?", gone); // a REMOVE op (null data) too
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.ops(lists).stream().anyMatch(op -> op.op().equals("REMOVE")));

        try (StreamClient bson = open(user, Map.of()); StreamClient ndjson = open(user, Map.of("Accept", "application/x-ndjson"))) {
            assertThat(bson.response().statusCode()).isEqualTo(200);
            assertThat(bson.response().headers().firstValue("Content-Type")).as("exactly, or the client reads NDJSON").hasValue(BSON);
            assertThat(bson.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");
            assertThat(ndjson.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/x-ndjson"));

            List<JsonNode> bsonLines = bson.untilCheckpointComplete();
            List<JsonNode> ndjsonLines = ndjson.untilCheckpointComplete();
            // Compared as JSON text: BSON's int32 and int64 are both plain numbers there.
            assertThat(bsonLines).map(JsonNode::toString).containsExactlyElementsOf(ndjsonLines.stream().map(JsonNode::toString).toList());
            assertThat(bsonLines).filteredOn(line -> line.has("data")).hasSize(2);
            SyncedClient synced = new SyncedClient();
            synced.apply(bsonLines); // asserts the wire types the stock client enforces
            synced.assertChecksumsMatch();
            assertThat(synced.objects("user_todos[\"" + user + "\"]").values()).singleElement()
                    .satisfies(row -> assertThat(row).contains("\"description\":\"Dune \\\"1965\\\" ü\""));
            assertThat(synced.objects(lists)).containsOnlyKeys("lists/" + list);

            JsonNode keepalive = bson.next();
            assertThat(keepalive.get("token_expires_in").isInt()).as("a BSON int32").isTrue();
        }
    }

    @Test
    void theClientsPreferenceDecidesTheFraming() {
        assertThat(contentType(Map.of("Accept", "application/vnd.powersync.bson-stream;q=0.5,application/x-ndjson;q=0.9")))
                .startsWith("application/x-ndjson");
        assertThat(contentType(Map.of("Accept", "application/x-ndjson;q=0.8,application/vnd.powersync.bson-stream")))
                .isEqualTo(BSON);
        assertThat(contentType(Map.of("Accept", BSON))).isEqualTo(BSON);
        assertThat(contentType(Map.of("Accept", "*/*"))).as("a client that does not say gets NDJSON")
                .isEqualTo("application/x-ndjson");
        assertThat(contentType(Map.of("Accept", "application/*;q=0.5,application/x-ndjson;q=0.1"))).as("the most specific range counts")
                .isEqualTo(BSON);
    }

    @Test
    void errorsAreJsonWhateverTheFramingAsked() throws Exception {
        HttpResponse<String> unauthorized = post(null, "{}");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(unauthorized.body()).contains("UNAUTHORIZED");

        HttpResponse<String> badRequest = post(TOKENS.issue("iris", Duration.ofMinutes(5)), "{\"buckets\":[{\"after\":\"1\"}]}");
        assertThat(badRequest.statusCode()).isEqualTo(400);
        assertThat(badRequest.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(badRequest.body()).contains("BAD_REQUEST", "name");

        HttpResponse<String> notAcceptable = post(TOKENS.issue("iris", Duration.ofMinutes(5)), "{}", "application/json");
        assertThat(notAcceptable.statusCode()).isEqualTo(406);
        assertThat(notAcceptable.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(notAcceptable.body()).contains("NOT_ACCEPTABLE", "application/vnd.powersync.bson-stream");
    }

    @Test
    void aGzipStreamDeliversEachLineAtOnce() {
        String user = "gus-" + UUID.randomUUID();
        try (StreamClient stream = open(user, Map.of("Accept-Encoding", "gzip"))) {
            assertThat(stream.response().headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(stream.response().headers().firstValue("Content-Type")).hasValue(BSON);
            // The token lives for minutes: these lines can only arrive if each was flushed through gzip.
            assertThat(stream.nextMessage().has("checkpoint")).isTrue();
            assertThat(stream.nextMessage().has("checkpoint_complete")).isTrue();
            assertThat(stream.next().has("token_expires_in")).as("a keep-alive, alone in its flush").isTrue();

            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'Compressed', ?)", UUID.randomUUID(), user);
            List<JsonNode> change = stream.untilCheckpointComplete();
            assertThat(change.get(0).has("checkpoint_diff")).isTrue();
            assertThat(change).filteredOn(line -> line.has("data")).hasSize(1);
            assertThat(stream.ended()).isFalse();
        }
    }

    @Test
    void aDeflateNdjsonStreamDeliversEachLineAtOnce() {
        try (StreamClient stream = open("dan-" + UUID.randomUUID(),
                Map.of("Accept-Encoding", "deflate", "Accept", "application/x-ndjson"))) {
            assertThat(stream.response().headers().firstValue("Content-Encoding")).hasValue("deflate");
            assertThat(stream.nextMessage().has("checkpoint")).isTrue();
            assertThat(stream.nextMessage().has("checkpoint_complete")).isTrue();
        }
    }

    @Test
    void aClientThatAsksForNoCompressionGetsNone() {
        try (StreamClient stream = open("ned-" + UUID.randomUUID(), Map.of())) {
            assertThat(stream.response().headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
            assertThat(stream.nextMessage().has("checkpoint")).isTrue();
        }
    }

    private String contentType(Map<String, String> headers) {
        try (StreamClient stream = open("una-" + UUID.randomUUID(), headers)) {
            assertThat(stream.response().statusCode()).isEqualTo(200);
            assertThat(stream.nextMessage().has("checkpoint")).as("the body is readable in the announced framing").isTrue();
            return stream.response().headers().firstValue("Content-Type").orElse("");
        }
    }

    private StreamClient open(String user, Map<String, String> headers) {
        return StreamClient.open(streamUri, TOKENS.issue(user, Duration.ofMinutes(5)),
                "{\"client_id\":\"" + user + "-device\",\"raw_data\":true,\"include_checksum\":true,\"binary_data\":true,"
                        + "\"buckets\":[],\"parameters\":{}}",
                headers);
    }

    private HttpResponse<String> post(String token, String body) throws IOException, InterruptedException {
        return post(token, body, StreamClient.STOCK_ACCEPT);
    }

    private HttpResponse<String> post(String token, String body, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(streamUri).header("Content-Type", "application/json")
                .header("Accept", accept).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
