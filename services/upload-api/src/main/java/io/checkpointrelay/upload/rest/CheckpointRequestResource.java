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

import io.checkpointrelay.upload.batch.CheckpointRequest;
import io.checkpointrelay.upload.batch.UploadRequestReader;
import io.checkpointrelay.upload.checkpoint.CheckpointRequests;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Where a stock SDK connector's {@code postCheckpointRequest(clientId, requestId)} posts, one
 * call to one request ({@code checkpointMode: 'requests'}).
 */
@Path("/api/checkpoint-request")
@Authenticated
@Tag(name = "uploads")
public class CheckpointRequestResource {

    private final UploadRequestReader reader;
    private final CheckpointRequests requests;
    private final JsonWebToken token;

    public CheckpointRequestResource(UploadRequestReader reader, CheckpointRequests requests, JsonWebToken token) {
        this.reader = reader;
        this.requests = requests;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Request a write checkpoint for this client",
            description = "Body: {client_id, checkpoint_request_id} (decimal string or integer, 1..2^63-1). "
                    + "Answers the effective id, the greatest ever accepted for (user, client), as a string. "
                    + "A greater or equal id is queued behind the client's uploads before the answer; a smaller one changes nothing.")
    @APIResponse(responseCode = "200", description = "Recorded (and queued unless stale)")
    @APIResponse(responseCode = "400", description = "Invalid body; nothing was recorded or queued")
    @APIResponse(responseCode = "401", description = "Missing or invalid token")
    @APIResponse(responseCode = "503", description = "The database or Kafka did not answer; retry the request")
    public Uni<CheckpointRequestAccepted> request(JsonNode body) {
        CheckpointRequest request = reader.readCheckpointRequest(body);
        return requests.request(token.getSubject(), request.clientId(), request.checkpointRequestId())
                .map(CheckpointRequestAccepted::of);
    }
}
