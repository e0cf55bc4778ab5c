package io.checkpointrelay.bridge.bucket;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.checkpointrelay.bridge.rules.SourceTable;

/**
 * Everything one storage step writes: new ops, per-bucket increments, the new state of touched
 * source rows, the write checkpoints and the parameter index changes, with the op id counter after them.
 *
 * @param bucketIncrements per bucket: last op id, checksum sum of the new ops and their number
 * @param truncatedTables  tables whose stored rows are all removed before {@code rows} are written
 * @param rows             new state per (table, key); {@code null} value = row no longer exists
 * @param newRows          rows of {@code rows} that only INSERTs touched in this step: storage should
 *                         not hold them yet, so they can be added without conflict handling
 * @param parameters       changes of the parameter index
 */
public record PlannedWrites(List<BucketOp> ops, List<BucketState> bucketIncrements, List<SourceTable> truncatedTables,
        Map<RowId, StoredRow> rows, Set<RowId> newRows, List<StoredWriteCheckpoint> writeCheckpoints, long lastOpId,
        ParameterWrites parameters) {

    /** A source row: its table and its replica-identity key. */
    public record RowId(SourceTable table, String key) {
    }

    /** A write checkpoint and the op id of the first checkpoint that includes it. */
    public record StoredWriteCheckpoint(String userId, String clientId, long checkpoint, long opId) {
    }
}
