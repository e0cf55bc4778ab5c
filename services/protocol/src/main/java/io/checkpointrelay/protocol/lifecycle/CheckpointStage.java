package io.checkpointrelay.protocol.lifecycle;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The stages of a checkpoint request's life, in the order they normally happen. */
public enum CheckpointStage {
    /** upload-api: Kafka acknowledged the request (alone, or inside an upload batch). */
    @JsonProperty("requested")
    REQUESTED,
    /** write-applier: the transaction with the request's checkpoint row committed. */
    @JsonProperty("applied")
    APPLIED,
    /** write-applier: the batch carrying the request was rejected; the request is still fulfilled. */
    @JsonProperty("rejected")
    REJECTED,
    /** sync-bridge: replication stored the checkpoint row; the next checkpoint can carry it. */
    @JsonProperty("replicated")
    REPLICATED,
    /** sync-bridge: a stream sent the client a checkpoint whose write_checkpoint reaches the id. */
    @JsonProperty("delivered")
    DELIVERED
}
