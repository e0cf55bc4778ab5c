package io.checkpointrelay.bridge.bucket;

import java.util.Map;

/**
 * A consistent view for one client: the checkpoint, the state of its buckets at that checkpoint
 * (buckets without ops are absent) and its write checkpoint if one is included.
 */
public record StorageSnapshot(long lastOpId, Map<String, BucketState> buckets, Long writeCheckpoint) {

    public BucketState bucket(String name) {
        BucketState state = buckets.get(name);
        return state == null ? BucketState.empty(name) : state;
    }
}
