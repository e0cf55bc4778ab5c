package io.checkpointrelay.stack.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A sync client for one device (client id) of one user: opens {@code POST /sync/stream} the way
 * stock clients do, feeds every NDJSON line to a {@link SyncState}, and lets callers wait for a
 * checkpoint. {@link #disconnect()} and {@link #connect()} again resume from the buckets'
 * {@code after} positions. Reconnecting is explicit, so tests decide when it happens.
 */
public final class SyncStreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** This client reads NDJSON only (stock clients prefer BSON, which the bridge then sends). */
    private static final String ACCEPT = "application/x-ndjson";
    private static final int RECENT_LINES = 10;

    private URI streamUri;
    private final String token;
    private final String clientId;
    private final SyncState state = new SyncState();
    private final Deque<String> recentLines = new ArrayDeque<>();
    private final List<String> failures = new ArrayList<>();
    private HttpClient http;
    private Thread reader;
    private boolean streaming;
    private boolean disconnecting;
    private String lastEnd = "never connected";

    /**
     * @param syncServiceUri base URI of sync-bridge, e.g. {@code http://127.0.0.1:8080}
     * @param token          a JWT whose {@code sub} is the user
     * @param clientId       the device id checkpoint requests are keyed by
     */
    public SyncStreamClient(URI syncServiceUri, String token, String clientId) {
        this.streamUri = syncServiceUri.resolve("/sync/stream");
        this.token = token;
        this.clientId = clientId;
    }

    /** Opens a stream, resuming from the buckets held; does nothing while one is open. */
    public synchronized void connect() {
        if (streaming) {
            return;
        }
        state.connectionStarted();
        HttpRequest request = HttpRequest.newBuilder(streamUri)
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .header("Accept", ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(requestBody()))
                .build();
        HttpClient connection = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        http = connection;
        streaming = true;
        disconnecting = false;
        reader = Thread.ofPlatform().daemon().name("sync-stream-" + clientId).start(() -> read(connection, request));
    }

    /**
     * Opens a stream to another bridge instance (as a load balancer would send the client after
     * its bridge died), resuming from the buckets held.
     */
    public synchronized void connect(URI syncServiceUri) {
        if (!streaming) {
            streamUri = syncServiceUri.resolve("/sync/stream");
        }
        connect();
    }

    /** Closes the stream, keeping everything received; {@link #connect()} resumes. */
    public void disconnect() throws InterruptedException {
        Thread running;
        synchronized (this) {
            if (!streaming) {
                return;
            }
            disconnecting = true;
            http.shutdownNow();
            running = reader;
        }
        running.join(Duration.ofSeconds(10));
    }

    @Override
    public void close() throws InterruptedException {
        disconnect();
    }

    private String requestBody() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode buckets = body.putArray("buckets");
        state.afterPositions().forEach((name, after) -> buckets.addObject().put("name", name).put("after", Long.toString(after)));
        body.put("include_checksum", true);
        body.put("raw_data", true);
        body.put("client_id", clientId);
        body.putObject("parameters");
        body.putObject("streams").put("include_defaults", true).putArray("subscriptions");
        return body.toString();
    }

    private void read(HttpClient connection, HttpRequest request) {
        String end;
        try {
            HttpResponse<InputStream> response = connection.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String contentType = response.headers().firstValue("Content-Type").orElse("");
                if (response.statusCode() != 200) {
                    end = fail("HTTP " + response.statusCode() + ": " + String.join("\n", lines.lines().toList()));
                } else if (!contentType.startsWith("application/x-ndjson")) {
                    end = fail("expected an NDJSON stream, got Content-Type '" + contentType + "'");
                } else {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        onLine(line);
                    }
                    end = "the service ended the stream";
                }
            }
        } catch (SyncProtocolException e) {
            end = fail("protocol error: " + e.getMessage());
        } catch (IOException e) {
            end = "connection lost: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = "interrupted";
        }
        synchronized (this) {
            lastEnd = disconnecting ? "disconnected by the client" : end;
            streaming = false;
            connection.shutdownNow();
            notifyAll();
        }
    }

    private synchronized void onLine(String line) {
        if (recentLines.size() == RECENT_LINES) {
            recentLines.removeFirst();
        }
        recentLines.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
        state.accept(line);
        notifyAll();
    }

    private synchronized String fail(String failure) {
        failures.add(failure);
        return failure;
    }

    /** Waits until an applied checkpoint carries a {@code write_checkpoint} of at least {@code requestId}. */
    public AppliedCheckpoint awaitWriteCheckpoint(long requestId, Duration timeout) throws InterruptedException {
        return awaitCheckpoint(c -> c.covers(requestId), "write_checkpoint >= " + requestId, timeout);
    }

    /**
     * Waits until the last applied checkpoint satisfies {@code condition}.
     *
     * @throws IllegalStateException on timeout or when the stream is closed, describing what the client saw
     */
    public synchronized AppliedCheckpoint awaitCheckpoint(Predicate<AppliedCheckpoint> condition, String what, Duration timeout)
            throws InterruptedException {
        await(() -> state.applied().filter(condition).isPresent(), "no checkpoint with " + what, timeout);
        return state.applied().orElseThrow();
    }

    /** Waits until the rows of the last applied checkpoint satisfy {@code condition}. */
    public synchronized List<SyncedRow> awaitRows(Predicate<List<SyncedRow>> condition, String what, Duration timeout)
            throws InterruptedException {
        await(() -> condition.test(state.rows()), "rows never showed " + what, timeout);
        return state.rows();
    }

    private void await(BooleanSupplier done, String failure, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (!streaming || left <= 0) {
                throw new IllegalStateException("client " + clientId + ": " + failure
                        + (streaming ? " within " + timeout.toSeconds() + " s" : " and the stream is closed") + "\n" + describe());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until the stream has ended (for example because the service went away). */
    public synchronized void awaitDisconnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streaming) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("client " + clientId + ": stream still open after " + timeout.toSeconds() + " s");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** What the client saw, for failure messages. */
    public synchronized String describe() {
        return "  last applied checkpoint: " + state.applied().map(Object::toString).orElse("none")
                + "\n  streaming: " + streaming + " (connection " + state.connection() + ", last end: " + lastEnd + ")"
                + "\n  buckets: " + state.afterPositions()
                + "\n  failures: " + failures()
                + "\n  last lines:\n    " + String.join("\n    ", recentLines);
    }

    public String clientId() {
        return clientId;
    }

    public synchronized boolean isStreaming() {
        return streaming;
    }

    /** Why the last connection ended. */
    public synchronized String lastEnd() {
        return lastEnd;
    }

    public synchronized Optional<AppliedCheckpoint> applied() {
        return state.applied();
    }

    /** The rows as of the last applied checkpoint. */
    public synchronized List<SyncedRow> rows() {
        return state.rows();
    }

    public synchronized List<ReceivedOp> receivedOps() {
        return state.receivedOps();
    }

    public synchronized Map<String, Long> afterPositions() {
        return state.afterPositions();
    }

    /** Protocol errors, HTTP errors and checksum mismatches: empty when the service behaved. */
    public synchronized List<String> failures() {
        List<String> all = new ArrayList<>(failures);
        all.addAll(state.checksumFailures());
        return all;
    }

    /** How many connections were opened so far. */
    public synchronized int connections() {
        return state.connection();
    }
}
