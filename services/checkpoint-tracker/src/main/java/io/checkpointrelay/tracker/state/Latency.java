package io.checkpointrelay.tracker.state;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.checkpointrelay.protocol.lifecycle.CheckpointStage;

/** The stage-to-stage latencies measured for each checkpoint request (once per request id). */
public enum Latency {
    @JsonProperty("requested_applied")
    REQUESTED_APPLIED(CheckpointStage.REQUESTED, CheckpointStage.APPLIED),
    @JsonProperty("applied_replicated")
    APPLIED_REPLICATED(CheckpointStage.APPLIED, CheckpointStage.REPLICATED),
    @JsonProperty("replicated_delivered")
    REPLICATED_DELIVERED(CheckpointStage.REPLICATED, CheckpointStage.DELIVERED),
    @JsonProperty("applied_delivered")
    APPLIED_DELIVERED(CheckpointStage.APPLIED, CheckpointStage.DELIVERED),
    @JsonProperty("requested_delivered")
    REQUESTED_DELIVERED(CheckpointStage.REQUESTED, CheckpointStage.DELIVERED);

    private final CheckpointStage from;
    private final CheckpointStage to;

    Latency(CheckpointStage from, CheckpointStage to) {
        this.from = from;
        this.to = to;
    }

    public CheckpointStage from() {
        return from;
    }

    public CheckpointStage to() {
        return to;
    }
}
