package io.checkpointrelay.upload.rest;

import java.time.Instant;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.upload.batch.InvalidUploadException;
import io.checkpointrelay.upload.batch.UploadRequest;
import io.checkpointrelay.upload.batch.UploadRequestReader;
import io.checkpointrelay.upload.queue.UploadQueue;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Where clients upload their local writes ({@code uploadData}) and checkpoint requests. */
@Path("/api/data")
@Authenticated
@Tag(name = "uploads")
public class UploadResource {

    private final UploadRequestReader reader;
    private final UploadQueue queue;
    private final UploadMetrics metrics;
    private final JsonWebToken token;

    public UploadResource(UploadRequestReader reader, UploadQueue queue, UploadMetrics metrics, JsonWebToken token) {
        this.reader = reader;
        this.queue = queue;
        this.metrics = metrics;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue a batch of client writes and/or a checkpoint request",
            description = "Body: {client_id, checkpoint_request_id?, batch: [CrudEntry...]}. "
                    + "Answers once Kafka has acknowledged the batch; nothing is queued when any entry is invalid.")
    @APIResponse(responseCode = "200", description = "Queued")
    @APIResponse(responseCode = "400", description = "Invalid body; nothing was queued")
    @APIResponse(responseCode = "401", description = "Missing or invalid token")
    @APIResponse(responseCode = "413", description = "Body larger than quarkus.http.limits.max-body-size")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge the batch; retry it")
    public Uni<UploadAccepted> upload(JsonNode body) {
        UploadRequest request;
        try {
            request = reader.read(body);
        } catch (InvalidUploadException e) {
            metrics.rejected();
            throw e;
        }
        QueuedBatch batch = new QueuedBatch(QueuedBatch.VERSION, UUID.randomUUID().toString(), token.getSubject(),
                request.clientId(), request.entries(), request.checkpointRequestId(), Instant.now());
        return queue.enqueue(batch)
                .onItem().invoke(() -> metrics.accepted(batch.entries().size()))
                .onFailure().invoke(metrics::unavailable)
                .replaceWith(() -> UploadAccepted.of(batch));
    }
}
