package io.checkpointrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.checkpointrelay.protocol.upload.CrudEntry;

/**
 * Sends uploads to upload-api ({@code POST /api/data}, the body {@code UploadClient} sends:
 * client id, checkpoint request id, batch) for many devices through one asynchronous HTTP
 * client: {@code UploadClient} holds an HTTP client (and its selector thread) per instance and
 * blocks, too heavy for a thousand devices that upload at a fixed rate. Keep-alive connections
 * are pooled: there are as many as uploads in flight at once.
 */
final class UploadSender implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI dataUri;
    private final CommitListener commits;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    UploadSender(URI uploadApi, CommitListener commits) {
        this.dataUri = uploadApi.resolve("/api/data");
        this.commits = commits;
    }

    /** Sends one upload; the future completes when upload-api has answered, and never fails. */
    CompletableFuture<Void> send(WritingDevice device, UploadSample sample, List<CrudEntry> batch) {
        ObjectNode body = JSON.createObjectNode();
        body.put("client_id", device.clientId());
        body.put("checkpoint_request_id", CheckpointRequestId.format(sample.requestId()));
        body.set("batch", JSON.valueToTree(batch));
        HttpRequest request = HttpRequest.newBuilder(dataUri)
                .header("Authorization", "Token " + device.token())
                .header("Content-Type", "application/json")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        commits.expect(sample);
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            long answered = System.nanoTime();
            if (error == null && response.statusCode() == 200) {
                sample.acknowledged(answered);
                device.acknowledged(sample);
                acknowledged.incrementAndGet();
            } else {
                String why = error != null ? error.toString() : "HTTP " + response.statusCode() + ": " + response.body();
                sample.failed(why);
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, why);
            }
            return null;
        });
    }

    /** Uploads upload-api answered with 200 so far. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Uploads refused or not answered so far. */
    long failed() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
