package io.checkpointrelay.bridge.bucket;

import java.util.List;

import io.checkpointrelay.bridge.rules.BucketRef;

/**
 * The buckets a request syncs as of a storage snapshot, and the parameter index version
 * ({@code parameter_index_state.last_change_op_id}) they were looked up at: while it stays the
 * same, the lookup need not be repeated.
 */
public record ResolvedBuckets(List<BucketRef> buckets, long parametersVersion) {

    public ResolvedBuckets {
        buckets = List.copyOf(buckets);
    }
}
