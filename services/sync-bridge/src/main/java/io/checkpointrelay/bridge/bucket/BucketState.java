package io.checkpointrelay.bridge.bucket;

/** A bucket at a checkpoint: its last op id, checksum (unsigned, sum mod 2^32) and number of ops. */
public record BucketState(String bucket, long lastOpId, long checksum, long count) {

    public static BucketState empty(String bucket) {
        return new BucketState(bucket, 0, 0, 0);
    }
}
