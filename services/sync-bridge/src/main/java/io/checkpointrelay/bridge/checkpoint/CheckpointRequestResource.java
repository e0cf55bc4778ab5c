package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.JsonNode;

import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.stream.SyncStreamResource;
import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.quarkus.security.Authenticated;

/**
 * {@code POST /sync/checkpoint-request} (checkpoint requests, managed mode): the client posts an id
 * it allocated itself and gets back the id now stored for it, see {@link CheckpointRequests#request}.
 */
@Path("/sync/checkpoint-request")
public class CheckpointRequestResource {

    private final CheckpointRequests requests;
    private final ReplicationStatus replication;
    private final JsonWebToken token;

    public CheckpointRequestResource(CheckpointRequests requests, ReplicationStatus replication, JsonWebToken token) {
        this.requests = requests;
        this.replication = replication;
        this.token = token;
    }

    @POST
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Request a checkpoint (managed mode): {\"client_id\", \"checkpoint_request_id\"}; answers the stored id")
    public Map<String, Object> request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ManagedCheckpoints.badRequest("the body must be a JSON object with client_id and checkpoint_request_id");
        }
        JsonNode clientNode = body.get("client_id");
        String clientId = ManagedCheckpoints.clientId(clientNode != null && clientNode.isTextual() ? clientNode.textValue() : null);
        long requestId;
        try {
            requestId = CheckpointRequestId.parse(body.get("checkpoint_request_id"));
        } catch (IllegalArgumentException e) {
            throw ManagedCheckpoints.badRequest(e.getMessage());
        }
        SyncStreamResource.requireStorageReady(replication);
        try {
            CheckpointRequests.Answer answer = requests.request(token.getSubject(), clientId, requestId);
            return Map.of("data", Map.of("checkpoint_request_id", CheckpointRequestId.format(answer.requestId())));
        } catch (SQLException e) {
            throw ManagedCheckpoints.storageUnavailable(e);
        } catch (CheckpointRequestQueue.UnavailableException e) {
            throw ManagedCheckpoints.queueUnavailable(e);
        }
    }
}
