package io.checkpointrelay.bridge.compact;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.Checksums;
import io.checkpointrelay.bridge.bucket.OpType;
import io.checkpointrelay.bridge.bucket.StorageTables;

/**
 * Compacts one bucket up to a checkpoint, as the reference service does (docs/storage/
 * compacting-operations.md there):
 * <ol>
 * <li>MOVE: reading the bucket newest first, a PUT or REMOVE of an object that a later op (at or
 * below the checkpoint) also writes becomes a MOVE: same op id and checksum, no object, no data,
 * and the superseding op as its target.</li>
 * <li>CLEAR: the MOVE and REMOVE ops at the start of the bucket (with a CLEAR of an earlier run)
 * become one CLEAR with the op id of the last of them and the sum of their checksums.</li>
 * </ol>
 * Every checksum a client can be asked for (the sum of all ops up to a checkpoint at or after the
 * compacted range) stays the same, and a client holding any prefix of the old ops still reaches
 * the same rows. Reads in pages, writes in short transactions of at most {@code batchSize} ops, on
 * the caller's connection (in auto-commit mode). Replication may append meanwhile: it only writes
 * ops above the checkpoint, which this never touches.
 */
final class BucketCompactor {

    private static final Logger LOG = Logger.getLogger(BucketCompactor.class);

    /** What compacting a bucket changed. */
    record Outcome(long moved, long cleared) {
    }

    private final Connection connection;
    private final StorageTables tables;
    private final int batchSize;
    private final int maxTrackedRows;

    BucketCompactor(Connection connection, StorageTables tables, int batchSize, int maxTrackedRows) {
        this.connection = connection;
        this.tables = tables;
        this.batchSize = batchSize;
        this.maxTrackedRows = maxTrackedRows;
    }

    Outcome compact(String bucket, long checkpoint) throws SQLException {
        SeenRows seen = new SeenRows(maxTrackedRows);
        List<long[]> moves = new ArrayList<>();
        long moved = 0;
        // The run of non-PUT ops met last (so far the lowest): its highest op id and how many ops
        // it has, an earlier CLEAR included.
        long runEnd = 0;
        long runLength = 0;
        boolean runHasOps = false;
        long below = checkpoint + 1;
        while (true) {
            int read = 0;
            try (PreparedStatement select = connection.prepareStatement("SELECT op_id, op, object_type, object_id, subkey FROM "
                    + tables.bucketData() + " WHERE bucket = ? AND op_id < ? ORDER BY op_id DESC LIMIT ?")) {
                select.setString(1, bucket);
                select.setLong(2, below);
                select.setInt(3, batchSize);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        read++;
                        long opId = result.getLong(1);
                        OpType op = OpType.valueOf(result.getString(2));
                        below = opId;
                        boolean livePut = op == OpType.PUT;
                        if (op.namesObject()) {
                            long target = seen.supersededBy(result.getString(3), result.getString(4), result.getString(5), opId);
                            if (target != 0) {
                                moves.add(new long[] { opId, target });
                                livePut = false;
                            }
                        }
                        if (livePut) {
                            runEnd = 0;
                            runLength = 0;
                            runHasOps = false;
                        } else {
                            if (runEnd == 0) {
                                runEnd = opId;
                            }
                            runLength++;
                            runHasOps |= op != OpType.CLEAR;
                        }
                    }
                }
            }
            if (moves.size() >= batchSize || read < batchSize) {
                moved += move(bucket, moves);
                moves.clear();
            }
            if (read < batchSize) {
                break;
            }
        }
        long cleared = runLength > 1 && runHasOps ? clear(bucket, runEnd) : 0;
        return new Outcome(moved, cleared);
    }

    /** One statement (one short transaction): PUT and REMOVE ops become MOVEs to their targets. */
    private int move(String bucket, List<long[]> moves) throws SQLException {
        if (moves.isEmpty()) {
            return 0;
        }
        Long[] opIds = new Long[moves.size()];
        Long[] targets = new Long[moves.size()];
        for (int i = 0; i < moves.size(); i++) {
            opIds[i] = moves.get(i)[0];
            targets[i] = moves.get(i)[1];
        }
        // The columns are NOT NULL: a MOVE's object is blanked, its data dropped.
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + tables.bucketData()
                + " d SET op = 'MOVE', object_type = '', object_id = '', subkey = '', data = NULL, target_op = m.target"
                + " FROM unnest(?::bigint[], ?::bigint[]) AS m(op_id, target)"
                + " WHERE d.bucket = ? AND d.op_id = m.op_id AND d.op IN ('PUT', 'REMOVE')")) {
            update.setArray(1, connection.createArrayOf("bigint", opIds));
            update.setArray(2, connection.createArrayOf("bigint", targets));
            update.setString(3, bucket);
            return update.executeUpdate();
        }
    }

    /**
     * Replaces the ops up to {@code upTo} (all MOVE, REMOVE or CLEAR) with one CLEAR, at most
     * {@code batchSize} ops per transaction: each folds the previous transaction's CLEAR and the
     * next ops into a new CLEAR, and lowers the bucket's op count by as many ops as it removed.
     *
     * @return the number of MOVE and REMOVE ops replaced
     */
    private long clear(String bucket, long upTo) throws SQLException {
        long cleared = 0;
        connection.setAutoCommit(false);
        try {
            while (true) {
                long checksum = 0;
                long last = 0;
                long target = 0;
                int removed = 0;
                int ops = 0;
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + tables.bucketData()
                        + " WHERE bucket = ? AND op_id IN (SELECT op_id FROM " + tables.bucketData()
                        + " WHERE bucket = ? AND op_id <= ? ORDER BY op_id LIMIT ?) RETURNING op_id, op, checksum, target_op")) {
                    delete.setString(1, bucket);
                    delete.setString(2, bucket);
                    delete.setLong(3, upTo);
                    delete.setInt(4, batchSize);
                    try (ResultSet result = delete.executeQuery()) {
                        while (result.next()) {
                            long opId = result.getLong(1);
                            OpType op = OpType.valueOf(result.getString(2));
                            if (op == OpType.PUT) {
                                throw new IllegalStateException("Bucket " + bucket + " has a PUT at " + opId
                                        + " in the range compaction is clearing (up to " + upTo + ")");
                            }
                            checksum = Checksums.add(checksum, result.getLong(3));
                            last = Math.max(last, opId);
                            target = Math.max(target, result.getLong(4));
                            removed++;
                            if (op != OpType.CLEAR) {
                                ops++;
                            }
                        }
                    }
                }
                if (ops == 0) {
                    connection.rollback();
                    return cleared;
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tables.bucketData()
                        + " (bucket, op_id, op, object_type, object_id, subkey, data, checksum, target_op)"
                        + " VALUES (?, ?, 'CLEAR', '', '', '', NULL, ?, ?)")) {
                    insert.setString(1, bucket);
                    insert.setLong(2, last);
                    insert.setLong(3, checksum);
                    // A client holding the CLEAR holds nothing it replaced: consistent from its own op id on.
                    insert.setLong(4, Math.max(target, last));
                    insert.executeUpdate();
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + tables.bucketState() + " SET op_count = op_count - ? WHERE bucket = ?")) {
                    update.setLong(1, removed - 1);
                    update.setString(2, bucket);
                    update.executeUpdate();
                }
                connection.commit();
                cleared += ops;
                LOG.debugf("Bucket %s: CLEAR at %d replaces %d ops", bucket, last, removed);
                if (last >= upTo) {
                    return cleared;
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
