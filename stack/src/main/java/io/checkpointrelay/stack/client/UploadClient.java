package io.checkpointrelay.stack.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.checkpointrelay.protocol.upload.CrudEntry;

/**
 * Uploads a device's write batches to upload-api ({@code POST /api/data}), as a connector's
 * {@code uploadData} would. A 200 answer means the batch is queued durably on Kafka.
 */
public final class UploadClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI dataUri;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param uploadApiUri base URI of upload-api, e.g. {@code http://127.0.0.1:8081}
     * @param token        a JWT whose {@code sub} is the user
     */
    public UploadClient(URI uploadApiUri, String token) {
        this.dataUri = uploadApiUri.resolve("/api/data");
        this.token = token;
    }

    /** What upload-api answered for an accepted batch, and how long the round trip took. */
    public record Receipt(String batchId, JsonNode data, Duration took) {
    }

    /** upload-api refused the batch; the message carries its JSON error body. */
    public static final class UploadRejectedException extends IOException {
        private final int status;

        UploadRejectedException(int status, String body) {
            super("upload-api answered " + status + ": " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Uploads one batch.
     *
     * @param checkpointRequestId the checkpoint request this batch completes, or null
     * @throws UploadRejectedException when upload-api does not answer 200
     */
    public Receipt upload(String clientId, Long checkpointRequestId, List<CrudEntry> batch) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("client_id", clientId);
        if (checkpointRequestId != null) {
            body.put("checkpoint_request_id", CheckpointRequestId.format(checkpointRequestId));
        }
        body.set("batch", JSON.valueToTree(batch));
        HttpRequest request = HttpRequest.newBuilder(dataUri)
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (response.statusCode() != 200) {
            throw new UploadRejectedException(response.statusCode(), response.body());
        }
        JsonNode data = JSON.readTree(response.body()).path("data");
        return new Receipt(data.path("batch_id").asText(null), data, took);
    }
}
