package io.checkpointrelay.bridge.bucket;

import java.util.List;
import java.util.Map;

import io.checkpointrelay.bridge.rules.BucketRef;

/**
 * A consistent view for one client: the checkpoint, the buckets it syncs at that checkpoint, the
 * state of those buckets (buckets without ops are absent) and its write checkpoint if one is included.
 */
public record StorageSnapshot(long lastOpId, Map<String, BucketState> buckets, Long writeCheckpoint, ResolvedBuckets resolved) {

    public BucketState bucket(String name) {
        BucketState state = buckets.get(name);
        return state == null ? BucketState.empty(name) : state;
    }

    /** The buckets the client syncs at this checkpoint, in rules order. */
    public List<BucketRef> bucketList() {
        return resolved.buckets();
    }
}
