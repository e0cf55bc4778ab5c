package io.checkpointrelay.upload.batch;

import java.util.List;

import io.checkpointrelay.protocol.upload.CrudEntry;

/**
 * A validated {@code POST /api/data} body.
 *
 * @param checkpointRequestId the client-generated checkpoint request id, or null when the client asked for none
 */
public record UploadRequest(String clientId, List<CrudEntry> entries, Long checkpointRequestId) {

    public UploadRequest {
        entries = List.copyOf(entries);
    }
}
