package io.checkpointrelay.bridge.rules;

/** A bucket a client syncs, with its priority (0 highest, 3 default). */
public record BucketRef(String name, int priority) {
}
