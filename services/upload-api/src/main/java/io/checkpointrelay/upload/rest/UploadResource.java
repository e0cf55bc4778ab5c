package io.checkpointrelay.upload.rest;


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

import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.upload.batch.InvalidUploadException;
import io.checkpointrelay.upload.batch.RowOwnedByAnotherUserException;
import io.checkpointrelay.upload.batch.StoredRowOwnership;
import io.checkpointrelay.upload.batch.UploadRequest;
import io.checkpointrelay.upload.batch.UploadRequestReader;
import io.checkpointrelay.upload.checkpoint.CheckpointRequestStore;
import io.checkpointrelay.upload.checkpoint.RecordedRequest;
import io.checkpointrelay.upload.queue.UploadQueue;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Where clients upload their local writes ({@code uploadData}) and checkpoint requests. */
@Path("/api/data")
@Authenticated
@Tag(name = "uploads")
public class UploadResource {

    private final UploadRequestReader reader;
    private final StoredRowOwnership ownership;
    private final UploadQueue queue;
    private final CheckpointRequestStore checkpointRequests;
    private final UploadMetrics metrics;
    private final LifecycleEvents events;
    private final JsonWebToken token;

    public UploadResource(UploadRequestReader reader, StoredRowOwnership ownership, UploadQueue queue,
            CheckpointRequestStore checkpointRequests, UploadMetrics metrics, LifecycleEvents events, JsonWebToken token) {
        this.reader = reader;
        this.ownership = ownership;
        this.queue = queue;
        this.checkpointRequests = checkpointRequests;
        this.metrics = metrics;
        this.events = events;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue a batch of client writes and/or a checkpoint request",
            description = "Body: {client_id, checkpoint_request_id?, batch: [CrudEntry...]}. "
                    + "Answers once Kafka has acknowledged the batch; nothing is queued when any entry is invalid "
                    + "or writes a stored row another user owns. "
                    + "A checkpoint_request_id is recorded first; the batch carries, and the answer names, the effective id: "
                    + "the greatest ever accepted for (user, client).")
    @APIResponse(responseCode = "200", description = "Queued")
    @APIResponse(responseCode = "400", description = "Invalid body; nothing was queued")
    @APIResponse(responseCode = "401", description = "Missing or invalid token")
    @APIResponse(responseCode = "403", description = "A row the batch writes belongs to another user; nothing was queued")
    @APIResponse(responseCode = "413", description = "Body larger than quarkus.http.limits.max-body-size")
    @APIResponse(responseCode = "503", description = "The database or Kafka did not answer; retry the batch")
    public Uni<UploadAccepted> upload(JsonNode body) {
        String userId = token.getSubject();
        UploadRequest request;
        try {
            request = reader.read(body, userId);
        } catch (InvalidUploadException e) {
            metrics.rejected();
            throw e;
        }
        // Ownership before the checkpoint id: a refused batch must not move the client's counter.
        return ownership.check(userId, request.entries())
                .onFailure(RowOwnedByAnotherUserException.class).invoke(metrics::rejected)
                .chain(() -> recordCheckpointRequest(userId, request))
                .chain(checkpoint -> {
                    QueuedBatch batch = QueuedBatch.accepted(userId, request.clientId(), request.entries(),
                            checkpoint == null ? null : checkpoint.effective());
                    return queue.enqueue(batch)
                            .onItem().invoke(() -> {
                                metrics.accepted(batch.entries().size());
                                if (checkpoint != null) {
                                    events.requested(batch.clientKey(), checkpoint.effective(), checkpoint.repost());
                                }
                            })
                            .onFailure().invoke(metrics::unavailable)
                            .replaceWith(() -> UploadAccepted.of(batch));
                });
    }

    /**
     * The posted checkpoint request once recorded, or null when none was posted. A stale id
     * does not hold back the batch: it goes out with the greater, already accepted id, which
     * the client then targets.
     */
    private Uni<RecordedRequest> recordCheckpointRequest(String userId, UploadRequest request) {
        if (request.checkpointRequestId() == null) {
            return Uni.createFrom().nullItem();
        }
        return checkpointRequests.record(userId, request.clientId(), request.checkpointRequestId());
    }
}
