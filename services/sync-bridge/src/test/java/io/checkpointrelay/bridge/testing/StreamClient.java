package io.checkpointrelay.bridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Reads a sync stream line by line over real HTTP, the way a client does: lines are queued as they
 * arrive, so tests can wait for the next one with a timeout.
 */
public final class StreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode END = TextNode.valueOf("<end of stream>");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    private StreamClient(URI uri, String token, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/vnd.powersync.bson-stream;q=0.9,application/x-ndjson;q=0.8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        reader = Thread.ofVirtual().start(() -> {
            try (Stream<String> body1 = response.body()) {
                body1.forEach(line -> lines.add(parse(line)));
            } catch (RuntimeException e) {
                // Closed by the test.
            } finally {
                lines.add(END);
            }
        });
    }

    public static StreamClient open(URI uri, String token, String body) {
        try {
            return new StreamClient(uri, token, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<Stream<String>> response() {
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
