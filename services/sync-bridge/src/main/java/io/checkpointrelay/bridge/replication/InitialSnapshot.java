package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.bucket.BucketBatch;
import io.checkpointrelay.bridge.bucket.BucketWriter;
import io.checkpointrelay.bridge.bucket.ChangeSet;
import io.checkpointrelay.bridge.bucket.RowChange;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;
import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;

/**
 * Copies the rows that exist when the slot is created, read in the snapshot the slot exported, so
 * that storage plus the changes streamed after the slot's consistent point is exactly the source.
 * All of it is one storage transaction stored at the consistent point: a crash midway leaves
 * nothing behind, and the next start takes a new snapshot.
 */
final class InitialSnapshot {

    private static final Logger LOG = Logger.getLogger(InitialSnapshot.class);
    private static final int FETCH_SIZE = 2_000;

    private final SourceConnections connections;
    private final SyncRules rules;
    private final CheckpointsTable checkpointsTable;
    private final BucketWriter writer;
    private final int chunkSize;

    InitialSnapshot(SourceConnections connections, SyncRules rules, CheckpointsTable checkpointsTable, BucketWriter writer,
            int chunkSize) {
        this.connections = connections;
        this.rules = rules;
        this.checkpointsTable = checkpointsTable;
        this.writer = writer;
        this.chunkSize = chunkSize;
    }

    /**
     * Stores all rows of the synced tables and the checkpoints table; returns the new checkpoint.
     *
     * @param copyNewRows see {@link BucketWriter#begin(boolean)}
     */
    long copy(String snapshotName, LogSequenceNumber consistentPoint, boolean copyNewRows) throws SQLException {
        requireSnapshot(snapshotName);
        try (Connection source = connections.openTextConnection(); BucketBatch batch = writer.begin(copyNewRows)) {
            source.setAutoCommit(false);
            try (Statement statement = source.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
                statement.execute("SET LOCAL TIME ZONE 'UTC'");
            }
            long rows = 0;
            for (SourceTable table : rules.tables()) {
                rows += copyTable(source, table, batch);
            }
            if (!rules.syncs(checkpointsTable.table())) {
                rows += copyTable(source, checkpointsTable.table(), batch);
            }
            source.commit();
            long checkpoint = batch.commit(consistentPoint).lastOpId();
            LOG.infof("Initial snapshot: %d rows, %d bucket operations, checkpoint %d at %s", rows, batch.opsWritten(),
                    checkpoint, consistentPoint.asString());
            return checkpoint;
        }
    }

    /**
     * Rows read outside the slot's exported snapshot would not line up with the changes streamed
     * from its consistent point (some lost, some applied twice): refuse rather than copy them.
     */
    static void requireSnapshot(String snapshotName) {
        if (snapshotName == null || snapshotName.isBlank()) {
            throw new IllegalStateException("The new replication slot exported no snapshot, so its existing rows cannot be "
                    + "copied consistently with the changes that follow");
        }
    }

    private long copyTable(Connection source, SourceTable table, BucketBatch batch) throws SQLException {
        RelationInfo relation = describe(source, table);
        String select = "SELECT " + relation.shape().columns().stream().map(SourceTable::quote).collect(Collectors.joining(", "))
                + " FROM " + table.sql();
        boolean syncs = rules.syncs(table);
        // Into empty storage every row is new (no lookups); otherwise rows may move between buckets.
        boolean fresh = syncs && !batch.holdsRowsOf(table);
        long count = 0;
        List<RowChange> changes = new ArrayList<>();
        List<WriteCheckpoint> writeCheckpoints = new ArrayList<>();
        try (Statement statement = source.createStatement()) {
            statement.setFetchSize(FETCH_SIZE);
            try (ResultSet result = statement.executeQuery(select)) {
                int width = relation.shape().size();
                while (result.next()) {
                    Object[] text = new Object[width];
                    for (int i = 0; i < width; i++) {
                        text[i] = result.getString(i + 1);
                    }
                    Row row = relation.row(new TupleData(text));
                    if (syncs) {
                        changes.add(new RowChange.Upsert(table, relation.key(row), null, row, fresh));
                    }
                    if (checkpointsTable.is(table)) {
                        checkpointsTable.writeCheckpoint(row).ifPresent(writeCheckpoints::add);
                    }
                    count++;
                    if (changes.size() + writeCheckpoints.size() >= chunkSize) {
                        batch.apply(List.of(new ChangeSet(changes, writeCheckpoints)));
                        changes.clear();
                        writeCheckpoints.clear();
                    }
                }
            }
        }
        if (!changes.isEmpty() || !writeCheckpoints.isEmpty()) {
            batch.apply(List.of(new ChangeSet(changes, writeCheckpoints)));
        }
        LOG.debugf("Snapshot of %s: %d rows", table, count);
        return count;
    }

    /** Columns, types and replica identity as pgoutput's Relation message would describe them. */
    static RelationInfo describe(Connection source, SourceTable table) throws SQLException {
        String sql = """
                SELECT a.attname, a.atttypid::int,
                       CASE c.relreplident
                         WHEN 'f' THEN true
                         WHEN 'd' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                                                  AND a.attnum = ANY (i.indkey))
                         WHEN 'i' THEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident
                                                  AND a.attnum = ANY (i.indkey))
                         ELSE false
                       END
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid
                WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""";
        List<PgOutputMessage.Column> columns = new ArrayList<>();
        try (PreparedStatement select = source.prepareStatement(sql)) {
            select.setString(1, table.schema());
            select.setString(2, table.name());
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    columns.add(new PgOutputMessage.Column(result.getString(1), result.getInt(2), -1, result.getBoolean(3)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalStateException("Table " + table + " does not exist or has no columns");
        }
        return new RelationInfo(table, columns);
    }
}
