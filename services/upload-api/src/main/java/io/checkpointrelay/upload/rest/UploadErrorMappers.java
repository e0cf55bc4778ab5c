package io.checkpointrelay.upload.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.checkpointrelay.http.ErrorBody;
import io.checkpointrelay.upload.batch.InvalidUploadException;
import io.checkpointrelay.upload.batch.OwnershipCheckUnavailableException;
import io.checkpointrelay.upload.batch.RowOwnedByAnotherUserException;
import io.checkpointrelay.upload.checkpoint.CheckpointStoreUnavailableException;
import io.checkpointrelay.upload.queue.QueueUnavailableException;

/** The upload outcomes that are not 200, in the shared {@link ErrorBody} shape. */
public class UploadErrorMappers {

    private static final Logger LOG = Logger.getLogger(UploadErrorMappers.class);
    /** Seconds a client should wait before retrying when Kafka or the database did not answer. */
    private static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response invalidUpload(InvalidUploadException e) {
        return ErrorBody.badRequest(e.getMessage());
    }

    @ServerExceptionMapper
    public Response queueUnavailable(QueueUnavailableException e) {
        return unavailable(e, "QUEUE_UNAVAILABLE", "The upload queue is unavailable, retry the batch later");
    }

    @ServerExceptionMapper
    public Response checkpointStoreUnavailable(CheckpointStoreUnavailableException e) {
        return unavailable(e, "DATABASE_UNAVAILABLE", "The checkpoint request database is unavailable, retry later");
    }

    @ServerExceptionMapper
    public Response rowOwnedByAnotherUser(RowOwnedByAnotherUserException e) {
        return ErrorBody.response(Response.Status.FORBIDDEN, "ROW_OWNED_BY_ANOTHER_USER", e.getMessage());
    }

    @ServerExceptionMapper
    public Response ownershipCheckUnavailable(OwnershipCheckUnavailableException e) {
        return unavailable(e, "DATABASE_UNAVAILABLE", "The database did not answer who owns the rows of this batch, retry the batch later");
    }

    /** 503 with Retry-After: nothing was queued, and the same request may succeed shortly. */
    private static Response unavailable(RuntimeException cause, String code, String message) {
        LOG.warn(cause.getMessage());
        return Response.fromResponse(ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE, code, message))
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }
}
