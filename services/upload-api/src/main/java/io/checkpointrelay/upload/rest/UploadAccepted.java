package io.checkpointrelay.upload.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.upload.CheckpointRequestId;
import io.checkpointrelay.protocol.upload.QueuedBatch;

/** The answer to an accepted upload: {@code {"data":{"batch_id":"...","entries":3,"checkpoint_request_id":"42"}}}. */
public record UploadAccepted(@JsonProperty("data") Data data) {

    /** @param checkpointRequestId as a decimal string (ids exceed what JavaScript numbers hold), absent when none was asked */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(
            @JsonProperty("batch_id") String batchId,
            @JsonProperty("entries") int entries,
            @JsonProperty("checkpoint_request_id") String checkpointRequestId) {
    }

    static UploadAccepted of(QueuedBatch batch) {
        Long checkpoint = batch.checkpointRequestId();
        return new UploadAccepted(new Data(batch.batchId(), batch.entries().size(),
                checkpoint == null ? null : CheckpointRequestId.format(checkpoint)));
    }
}
