package io.checkpointrelay.bridge.checkpoint;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * What a new checkpoint changed, so that only the streams it concerns read storage: the buckets
 * that received ops, the (user, client) write checkpoints that were stored, and whether the
 * parameter index changed. Bounded: beyond {@link #MAX_ENTRIES} names, or when the publisher does
 * not know (start-up, polling, snapshot), a part is "anything", which wakes every stream as a
 * plain new checkpoint always did. A summary only decides who looks: streams still read the
 * checkpoint itself from storage. Immutable.
 */
public final class CheckpointChanges {

    /** Bucket names (and client keys) listed at most; more count as "anything changed". */
    public static final int MAX_ENTRIES = 1024;

    private final long lastOpId;
    /** null: any bucket may have changed. */
    private final Set<String> buckets;
    /** null: any client's write checkpoint may have changed. */
    private final Set<ClientKey> writeCheckpoints;
    private final boolean parameterIndex;

    private CheckpointChanges(long lastOpId, Set<String> buckets, Set<ClientKey> writeCheckpoints, boolean parameterIndex) {
        this.lastOpId = lastOpId;
        this.buckets = buckets;
        this.writeCheckpoints = writeCheckpoints;
        this.parameterIndex = parameterIndex;
    }

    /** Checkpoint {@code lastOpId} may have changed anything (the publisher does not know what). */
    public static CheckpointChanges anything(long lastOpId) {
        return new CheckpointChanges(lastOpId, null, null, true);
    }

    /**
     * @param buckets          buckets that received ops; null: unknown
     * @param writeCheckpoints clients whose write checkpoint may have changed; null: unknown (any client)
     * @param parameterIndex   the parameter index changed
     */
    public static CheckpointChanges of(long lastOpId, Collection<String> buckets, Collection<ClientKey> writeCheckpoints,
            boolean parameterIndex) {
        return new CheckpointChanges(lastOpId, bounded(buckets), bounded(writeCheckpoints), parameterIndex);
    }

    private static <T> Set<T> bounded(Collection<T> values) {
        return values == null || values.size() > MAX_ENTRIES ? null : Set.copyOf(values);
    }

    public long lastOpId() {
        return lastOpId;
    }

    /** Buckets that received ops; null: any bucket. */
    Set<String> buckets() {
        return buckets;
    }

    /** Clients whose write checkpoint may have changed; null: any client. */
    Set<ClientKey> writeCheckpoints() {
        return writeCheckpoints;
    }

    boolean parameterIndex() {
        return parameterIndex;
    }

    /** True when the summary lists nothing: every stream must look. */
    public boolean isAnything() {
        return buckets == null && writeCheckpoints == null && parameterIndex;
    }

    /**
     * Whether a stream of (user, client) holding {@code streamBuckets} must read the checkpoint:
     * one of its buckets or its own write checkpoint changed, or the parameter index changed and it
     * looks buckets up there.
     *
     * @param clientId null: the stream has no write checkpoint
     */
    public boolean concerns(Set<String> streamBuckets, String userId, String clientId, boolean usesParameterIndex) {
        if (parameterIndex && usesParameterIndex) {
            return true;
        }
        if (clientId != null && (writeCheckpoints == null || writeCheckpoints.contains(new ClientKey(userId, clientId)))) {
            return true;
        }
        if (buckets == null) {
            return true;
        }
        Set<String> smaller = buckets.size() <= streamBuckets.size() ? buckets : streamBuckets;
        Set<String> larger = smaller == buckets ? streamBuckets : buckets;
        for (String bucket : smaller) {
            if (larger.contains(bucket)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "CheckpointChanges[" + lastOpId + ", buckets=" + (buckets == null ? "any" : buckets) + ", writeCheckpoints="
                + (writeCheckpoints == null ? "any" : writeCheckpoints) + ", parameterIndex=" + parameterIndex + "]";
    }

    /** Collects the changes of one storage transaction, falling back to "anything" past the bound. */
    public static final class Builder {

        private Set<String> buckets = new HashSet<>();
        private Set<ClientKey> writeCheckpoints = new HashSet<>();
        private boolean parameterIndex;

        public void bucket(String bucket) {
            if (buckets != null && buckets.add(bucket) && buckets.size() > MAX_ENTRIES) {
                buckets = null;
            }
        }

        public void writeCheckpoint(String userId, String clientId) {
            if (writeCheckpoints != null && writeCheckpoints.add(new ClientKey(userId, clientId))
                    && writeCheckpoints.size() > MAX_ENTRIES) {
                writeCheckpoints = null;
            }
        }

        /** A write checkpoint of some client whose key is not known may have changed (a managed request). */
        public void anyWriteCheckpoint() {
            writeCheckpoints = null;
        }

        public void parameterIndex() {
            parameterIndex = true;
        }

        public CheckpointChanges build(long lastOpId) {
            return new CheckpointChanges(lastOpId, buckets == null ? null : Set.copyOf(buckets),
                    writeCheckpoints == null ? null : Set.copyOf(writeCheckpoints), parameterIndex);
        }
    }
}
