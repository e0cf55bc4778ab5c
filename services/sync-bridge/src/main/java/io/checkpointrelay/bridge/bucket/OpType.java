package io.checkpointrelay.bridge.bucket;

/** Operations stored in buckets. */
public enum OpType {
    /** The object has this data in the bucket. */
    PUT,
    /** The object is no longer in the bucket. */
    REMOVE,
    /**
     * Written by compaction in place of a PUT or REMOVE that a later op of the same object
     * supersedes: same op id and checksum, no object and no data.
     */
    MOVE,
    /**
     * Written by compaction in place of the MOVE and REMOVE ops at the start of a bucket: the op id
     * of the last of them and the sum of their checksums. A client drops what it holds of the
     * bucket before it.
     */
    CLEAR;

    /** True for the ops that name an object (PUT, REMOVE); MOVE and CLEAR carry only a checksum. */
    public boolean namesObject() {
        return this == PUT || this == REMOVE;
    }
}
