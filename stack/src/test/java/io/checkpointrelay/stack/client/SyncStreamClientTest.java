package io.checkpointrelay.stack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The client's HTTP side against a scripted NDJSON peer: what it sends, that it resumes from
 * its positions, that it hangs up cleanly and reports HTTP errors.
 */
class SyncStreamClientTest {

    private static final long PUT_A = 2582164875L;
    private static final long PUT_TEST1 = 2871785649L;

    private HttpServer server;
    /** Each connection takes the next script: the lines to send, then the stream stays open. */
    private final BlockingQueue<List<String>> scripts = new LinkedBlockingQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch endOfTest = new CountDownLatch(1);

    @BeforeEach
    void startPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/sync/stream", this::stream);
        server.start();
    }

    @AfterEach
    void stopPeer() {
        endOfTest.countDown();
        server.stop(0);
    }

    private void stream(HttpExchange exchange) throws IOException {
        requests.add(new ObjectMapper().readTree(exchange.getRequestBody()));
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        List<String> script = scripts.poll();
        if (script == null) {
            byte[] body = "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"no\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String line : script) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        try {
            endOfTest.await(); // a live stream stays open until someone hangs up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static String op(String opId, String id, String description, long checksum) {
        return "{\"op_id\":\"" + opId + "\",\"op\":\"PUT\",\"object_type\":\"test\",\"object_id\":\"" + id + "\",\"data\":\"{\\\"id\\\":\\\""
                + id + "\\\",\\\"description\\\":\\\"" + description + "\\\"}\",\"checksum\":" + checksum + "}";
    }

    @Test
    void streamsResumesFromItsPositionsAfterReconnectingAndSendsWhatStockClientsSend() throws Exception {
        scripts.add(List.of(
                "{\"checkpoint\":{\"last_op_id\":\"3\",\"write_checkpoint\":\"1\",\"buckets\":[{\"bucket\":\"b[]\",\"checksum\":" + (int) PUT_A + "}]}}",
                "{\"data\":{\"bucket\":\"b[]\",\"data\":[" + op("3", "a", "Test 1", PUT_A) + "]}}",
                "{\"checkpoint_complete\":{\"last_op_id\":\"3\"}}"));
        scripts.add(List.of(
                "{\"checkpoint\":{\"last_op_id\":\"4\",\"write_checkpoint\":\"2\",\"buckets\":[{\"bucket\":\"b[]\",\"checksum\":"
                        + (int) (PUT_A + PUT_TEST1) + "}]}}",
                "{\"data\":{\"bucket\":\"b[]\",\"after\":\"3\",\"data\":[" + op("4", "test1", "test1", PUT_TEST1) + "]}}",
                "{\"checkpoint_complete\":{\"last_op_id\":\"4\"}}"));
        try (SyncStreamClient client = new SyncStreamClient(uri(), "jwt", "device-1")) {
            client.connect();
            assertThat(client.awaitWriteCheckpoint(1, Duration.ofSeconds(10)).lastOpId()).isEqualTo(3);
            assertThat(client.rows()).extracting(SyncedRow::objectId).containsExactly("a");

            client.disconnect();
            assertThat(client.isStreaming()).isFalse();
            assertThat(client.lastEnd()).isEqualTo("disconnected by the client");

            client.connect();
            assertThat(client.awaitWriteCheckpoint(2, Duration.ofSeconds(10)).lastOpId()).isEqualTo(4);
            assertThat(client.rows()).extracting(SyncedRow::objectId).containsExactly("a", "test1");
            assertThat(client.failures()).isEmpty();
            assertThat(client.receivedOps()).extracting(ReceivedOp::connection, ReceivedOp::opId)
                    .containsExactly(tuple(1, 3L), tuple(2, 4L));
        }

        assertThat(authorizations).containsOnly("Token jwt");
        JsonNode first = requests.get(0);
        assertThat(first.path("client_id").asText()).isEqualTo("device-1");
        assertThat(first.path("raw_data").asBoolean()).isTrue();
        assertThat(first.path("include_checksum").asBoolean()).isTrue();
        assertThat(first.path("buckets").size()).isZero();
        JsonNode second = requests.get(1);
        assertThat(second.path("buckets").toString()).isEqualTo("[{\"name\":\"b[]\",\"after\":\"3\"}]");
    }

    @Test
    void anHttpErrorEndsTheStreamAndWaitingFailsAtOnceWithTheAnswer() throws Exception {
        try (SyncStreamClient client = new SyncStreamClient(uri(), "bad", "device-2")) {
            client.connect();
            client.awaitDisconnected(Duration.ofSeconds(10));
            assertThatThrownBy(() -> client.awaitWriteCheckpoint(1, Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stream is closed")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("UNAUTHORIZED");
        }
    }

    @Test
    void aProtocolErrorIsReportedAndEndsTheConnection() throws Exception {
        scripts.add(List.of("{\"checkpoint\":{\"last_op_id\":3,\"buckets\":[]}}"));
        try (SyncStreamClient client = new SyncStreamClient(uri(), "jwt", "device-3")) {
            client.connect();
            client.awaitDisconnected(Duration.ofSeconds(10));
            assertThat(client.failures()).singleElement().asString().contains("protocol error", "last_op_id must be a decimal string");
        }
    }
}
