package io.checkpointrelay.bridge.bucket;

/**
 * One operation of a bucket. {@code data} is null for REMOVE; {@code subkey} identifies the source
 * row ({@code <table>/<row key>}) and is what a REMOVE's checksum is computed from.
 * {@code targetOp} is 0 except for ops compaction wrote: a MOVE holds the op that superseded it, a
 * CLEAR the latest of its own op id and those of the MOVEs it replaced. A client that receives such
 * an op is consistent only at checkpoints at or after it ({@link #invalidates}).
 */
public record BucketOp(String bucket, long opId, OpType op, String objectType, String objectId, String subkey,
        String data, long checksum, long targetOp) {

    /** An op as replication writes it (no target). */
    public BucketOp(String bucket, long opId, OpType op, String objectType, String objectId, String subkey, String data,
            long checksum) {
        this(bucket, opId, op, objectType, objectId, subkey, data, checksum, 0);
    }

    public static BucketOp put(String bucket, long opId, String objectType, String objectId, String subkey, String data) {
        return new BucketOp(bucket, opId, OpType.PUT, objectType, objectId, subkey, data,
                Checksums.put(objectType, objectId, data));
    }

    public static BucketOp remove(String bucket, long opId, String objectType, String objectId, String subkey) {
        return new BucketOp(bucket, opId, OpType.REMOVE, objectType, objectId, subkey, null, Checksums.remove(subkey));
    }

    /**
     * True when a client holding this op cannot be consistent at {@code checkpoint}: compaction
     * moved what it replaced to a later op (a stream must not complete that checkpoint).
     */
    public boolean invalidates(long checkpoint) {
        return targetOp > checkpoint;
    }
}
