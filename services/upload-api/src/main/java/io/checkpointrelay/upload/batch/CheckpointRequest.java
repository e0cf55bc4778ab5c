package io.checkpointrelay.upload.batch;

/** A validated {@code POST /api/checkpoint-request} body. */
public record CheckpointRequest(String clientId, long checkpointRequestId) {
}
