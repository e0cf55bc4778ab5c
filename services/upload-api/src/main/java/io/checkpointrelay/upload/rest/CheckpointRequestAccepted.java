package io.checkpointrelay.upload.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.upload.CheckpointRequestId;

/** The answer to a checkpoint request: {@code {"data":{"checkpoint_request_id":"42"}}}, the effective id. */
public record CheckpointRequestAccepted(@JsonProperty("data") Data data) {

    /** @param checkpointRequestId as a decimal string: the stock SDK takes the answer as a string */
    public record Data(@JsonProperty("checkpoint_request_id") String checkpointRequestId) {
    }

    static CheckpointRequestAccepted of(long effective) {
        return new CheckpointRequestAccepted(new Data(CheckpointRequestId.format(effective)));
    }
}
