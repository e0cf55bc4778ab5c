package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.checkpointrelay.http.ErrorBody;
import io.checkpointrelay.protocol.upload.ClientKey;

/** Input checks and error answers the two managed-mode endpoints share. */
final class ManagedCheckpoints {

    private static final Logger LOG = Logger.getLogger(ManagedCheckpoints.class);

    private ManagedCheckpoints() {
    }

    static String clientId(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            throw badRequest("client_id is required (a non-empty string)");
        }
        if (clientId.length() > ClientKey.MAX_CLIENT_ID_LENGTH) {
            throw badRequest("client_id is longer than " + ClientKey.MAX_CLIENT_ID_LENGTH + " characters");
        }
        return clientId;
    }

    static WebApplicationException badRequest(String message) {
        return new WebApplicationException(message, ErrorBody.badRequest(message));
    }

    /** The upload queue did not take the request: 503, so the client retries (an equal id is queued again). */
    static WebApplicationException queueUnavailable(CheckpointRequestQueue.UnavailableException e) {
        LOG.warnf("Cannot queue a checkpoint request: %s", e.getMessage());
        String message = "The upload queue is unavailable; try again shortly";
        return new WebApplicationException(message, ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "QUEUE_UNAVAILABLE", message));
    }

    /** Storage failed: 503, so the client retries (nothing was recorded, or the retry is idempotent). */
    static WebApplicationException storageUnavailable(SQLException e) {
        LOG.warnf("Cannot record a checkpoint request: %s", e.getMessage());
        String message = "Checkpoint storage is unavailable; try again shortly";
        return new WebApplicationException(message, ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, "STORAGE_UNAVAILABLE", message));
    }
}
