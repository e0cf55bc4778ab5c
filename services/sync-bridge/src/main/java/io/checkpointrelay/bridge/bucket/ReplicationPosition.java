package io.checkpointrelay.bridge.bucket;

import org.postgresql.replication.LogSequenceNumber;

/**
 * How far storage is: the op id counter (= the current checkpoint) and the source position up to
 * which every transaction is stored ({@code null} before the first, including the initial snapshot).
 */
public record ReplicationPosition(long lastOpId, LogSequenceNumber lsn) {

    public boolean hasLsn() {
        return lsn != null;
    }

    /** True when the transaction ending at {@code endLsn} is already stored. */
    public boolean includes(LogSequenceNumber endLsn) {
        return lsn != null && endLsn.compareTo(lsn) <= 0;
    }
}
