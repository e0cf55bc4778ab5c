package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.stream.SyncStreamResource;
import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.quarkus.security.Authenticated;

/**
 * {@code GET /write-checkpoint2.json?client_id=...} (managed mode, legacy clients): a new write
 * checkpoint id, sent as a string, see {@link CheckpointRequests#next}.
 */
@Path("/write-checkpoint2.json")
public class WriteCheckpointResource {

    private final CheckpointRequests requests;
    private final ReplicationStatus replication;
    private final JsonWebToken token;

    public WriteCheckpointResource(CheckpointRequests requests, ReplicationStatus replication, JsonWebToken token) {
        this.requests = requests;
        this.replication = replication;
        this.token = token;
    }

    @GET
    @Authenticated
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a write checkpoint (managed mode, legacy clients); answers {\"data\":{\"write_checkpoint\":\"<n>\"}}")
    public Map<String, Object> writeCheckpoint(@QueryParam("client_id") String clientIdParameter) {
        String clientId = ManagedCheckpoints.clientId(clientIdParameter);
        SyncStreamResource.requireStorageReady(replication);
        try {
            long id = requests.next(token.getSubject(), clientId);
            return Map.of("data", Map.of("write_checkpoint", CheckpointRequestId.format(id)));
        } catch (SQLException e) {
            throw ManagedCheckpoints.storageUnavailable(e);
        } catch (CheckpointRequestQueue.UnavailableException e) {
            throw ManagedCheckpoints.queueUnavailable(e);
        }
    }
}
