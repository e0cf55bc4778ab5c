package io.checkpointrelay.bridge.bucket;

/** Operations stored in buckets. */
public enum OpType {
    /** The object has this data in the bucket. */
    PUT,
    /** The object is no longer in the bucket. */
    REMOVE
}
