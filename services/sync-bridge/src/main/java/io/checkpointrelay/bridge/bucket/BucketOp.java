package io.checkpointrelay.bridge.bucket;

/**
 * One operation of a bucket. {@code data} is null for REMOVE; {@code subkey} identifies the source
 * row ({@code <table>/<row key>}) and is what a REMOVE's checksum is computed from.
 */
public record BucketOp(String bucket, long opId, OpType op, String objectType, String objectId, String subkey,
        String data, long checksum) {

    public static BucketOp put(String bucket, long opId, String objectType, String objectId, String subkey, String data) {
        return new BucketOp(bucket, opId, OpType.PUT, objectType, objectId, subkey, data,
                Checksums.put(objectType, objectId, data));
    }

    public static BucketOp remove(String bucket, long opId, String objectType, String objectId, String subkey) {
        return new BucketOp(bucket, opId, OpType.REMOVE, objectType, objectId, subkey, null, Checksums.remove(subkey));
    }
}
