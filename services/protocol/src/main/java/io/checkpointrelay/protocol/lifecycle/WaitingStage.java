package io.checkpointrelay.protocol.lifecycle;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a stuck client's latest checkpoint request waits. */
public enum WaitingStage {
    /** Requested, not yet applied: in Kafka or in write-applier (backlog, retries). */
    @JsonProperty("queued")
    QUEUED,
    /** Applied, not yet replicated into bucket storage: sync-bridge is behind or down. */
    @JsonProperty("applied_not_replicated")
    APPLIED_NOT_REPLICATED,
    /** Replicated, not delivered: the client has no stream open (offline) or its stream is stuck. */
    @JsonProperty("replicated_not_delivered")
    REPLICATED_NOT_DELIVERED
}
