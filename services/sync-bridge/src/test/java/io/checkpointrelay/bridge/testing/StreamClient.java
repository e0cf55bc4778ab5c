package io.checkpointrelay.bridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Reads a sync stream line by line over real HTTP, the way a client does: lines are queued as they
 * arrive, so tests can wait for the next one with a timeout. The body is decompressed as its
 * {@code Content-Encoding} says and read as NDJSON or, when the {@code Content-Type} is exactly the
 * BSON stream type, as concatenated BSON documents (each read as a raw document by the MongoDB BSON
 * library), each turned into the JSON tree the same line has in NDJSON.
 */
public final class StreamClient implements AutoCloseable {

    /** What stock clients send. */
    public static final String STOCK_ACCEPT = "application/vnd.powersync.bson-stream;q=0.9,application/x-ndjson;q=0.8";
    public static final String BSON = "application/vnd.powersync.bson-stream";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode END = TextNode.valueOf("<end of stream>");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final HttpResponse<InputStream> response;
    private final Thread reader;

    private StreamClient(URI uri, String token, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Accept")) {
            request.header("Accept", STOCK_ACCEPT);
        }
        headers.forEach(request::header);
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = decompressed(response)) {
                if (BSON.equals(response.headers().firstValue("Content-Type").orElse(""))) {
                    readDocuments(in);
                } else {
                    readLines(in);
                }
            } catch (IOException | RuntimeException e) {
                // Closed by the test.
            } finally {
                lines.add(END);
            }
        });
    }

    /** A stream opened with the headers a stock client sends. */
    public static StreamClient open(URI uri, String token, String body) {
        return open(uri, token, body, Map.of());
    }

    /** A stream opened with these request headers in addition to (or instead of) the stock ones. */
    public static StreamClient open(URI uri, String token, String body, Map<String, String> headers) {
        try {
            return new StreamClient(uri, token, body, headers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** The next line, keep-alives included; fails after a timeout. */
    public JsonNode next() {
        try {
            JsonNode line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("No line within " + WAIT);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next line that is not a keep-alive. */
    public JsonNode nextMessage() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (System.nanoTime() > deadline) {
                fail("Only keep-alives for " + WAIT);
            }
            JsonNode line = next();
            if (line == END) {
                fail("The stream ended");
            }
            if (!line.has("token_expires_in")) {
                return line;
            }
        }
    }

    /** Lines up to and including the next checkpoint_complete, keep-alives left out. */
    public List<JsonNode> untilCheckpointComplete() {
        List<JsonNode> result = new ArrayList<>();
        while (true) {
            JsonNode line = nextMessage();
            result.add(line);
            if (line.has("checkpoint_complete")) {
                return result;
            }
        }
    }

    /** Asserts that nothing but keep-alives arrives for a while. */
    public void expectSilence(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                JsonNode line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null) {
                    assertThat(line.has("token_expires_in")).as("unexpected line %s", line).isTrue();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when the server ended the stream (after the remaining lines were read). */
    public boolean ended() {
        return lines.peek() == END;
    }

    public static boolean isEnd(JsonNode line) {
        return line == END;
    }

    private static InputStream decompressed(HttpResponse<InputStream> response) throws IOException {
        return switch (response.headers().firstValue("Content-Encoding").orElse("identity")) {
            case "gzip" -> new GZIPInputStream(response.body());
            case "deflate" -> new InflaterInputStream(response.body());
            case "identity" -> response.body();
            default -> throw new IllegalStateException("Unexpected Content-Encoding " + response.headers().map());
        };
    }

    /**
     * Splits bytes at newlines as they arrive. (A Reader would wait for more: decompressing
     * streams claim to have bytes available until they end.)
     */
    private void readLines(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (chunk[i] == '\n') {
                    line.write(chunk, start, i - start);
                    lines.add(parse(line.toString(StandardCharsets.UTF_8)));
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(chunk, start, read - start);
        }
    }

    /** Each document starts with its length (int32, little-endian, counting itself). */
    private void readDocuments(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] length = new byte[4];
        while (true) {
            try {
                data.readFully(length);
            } catch (EOFException e) {
                return;
            }
            byte[] document = new byte[ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt()];
            System.arraycopy(length, 0, document, 0, 4);
            data.readFully(document, 4, document.length - 4);
            lines.add(tree(new RawBsonDocument(document)));
        }
    }

    /** The JSON tree of a BSON value; a type the stock client cannot read fails the test. */
    static JsonNode tree(BsonValue value) {
        return switch (value.getBsonType()) {
            case DOCUMENT -> {
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<String, BsonValue> field : ((BsonDocument) value).entrySet()) {
                    object.set(field.getKey(), tree(field.getValue()));
                }
                yield object;
            }
            case ARRAY -> {
                var array = NODES.arrayNode();
                value.asArray().forEach(element -> array.add(tree(element)));
                yield array;
            }
            case STRING -> NODES.textNode(value.asString().getValue());
            case INT32 -> NODES.numberNode(value.asInt32().getValue());
            case INT64 -> NODES.numberNode(value.asInt64().getValue());
            case BOOLEAN -> NODES.booleanNode(value.asBoolean().getValue());
            case NULL -> NODES.nullNode();
            default -> throw new IllegalStateException("BSON type the bridge never sends: " + value.getBsonType());
        };
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("Not a JSON line: " + line, e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
        reader.interrupt();
    }
}
