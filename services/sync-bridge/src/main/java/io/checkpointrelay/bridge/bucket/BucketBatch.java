package io.checkpointrelay.bridge.bucket;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.checkpoint.CheckpointChanges;
import io.checkpointrelay.bridge.checkpoint.CheckpointNotice;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;

/**
 * One storage transaction: any number of whole change sets, then {@link #commit} with the source
 * position they reach. Holds the replication state row locked, so only one writer per slot stores
 * at a time. Not thread-safe; close it (rolls back unless committed).
 */
public final class BucketBatch implements AutoCloseable {

    private final Connection connection;
    private final StorageTables tables;
    private final String slot;
    private final SyncRules rules;
    private final StorageWrites writes;
    private final boolean copyNewRows;
    private final ReplicationPosition start;
    private long lastOpId;
    private long opsWritten;
    private boolean done;
    private final CheckpointChanges.Builder changes = new CheckpointChanges.Builder();

    BucketBatch(Connection connection, StorageTables tables, String slot, SyncRules rules, boolean copyNewRows)
            throws SQLException {
        this.connection = connection;
        this.tables = tables;
        this.slot = slot;
        this.rules = rules;
        this.writes = new StorageWrites(connection, tables, copyNewRows);
        this.copyNewRows = copyNewRows;
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tables.replicationState()
                + " (slot_name) VALUES (?) ON CONFLICT (slot_name) DO NOTHING")) {
            insert.setString(1, slot);
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT last_op_id, last_lsn::text FROM "
                + tables.replicationState() + " WHERE slot_name = ? FOR UPDATE")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                String lsn = result.getString(2);
                this.start = new ReplicationPosition(result.getLong(1), lsn == null ? null : LogSequenceNumber.valueOf(lsn));
            }
        }
        this.lastOpId = start.lastOpId();
    }

    /** The stored position when this batch began. */
    public ReplicationPosition startPosition() {
        return start;
    }

    /** Plans and writes the change sets (in order, each whole). */
    public void apply(List<ChangeSet> changeSets) {
        if (changeSets.isEmpty()) {
            return;
        }
        PlannedWrites planned = new ChangePlanner(rules, writes, lastOpId, !copyNewRows).plan(changeSets);
        try {
            writes.write(planned);
            if (planned.parameters().changed()) {
                writes.markParametersChanged(slot, planned.lastOpId());
            }
        } catch (SQLException e) {
            throw new StorageException("Cannot store bucket operations", e);
        }
        lastOpId = planned.lastOpId();
        opsWritten += planned.ops().size();
        planned.bucketIncrements().forEach(bucket -> changes.bucket(bucket.bucket()));
        planned.writeCheckpoints().forEach(stored -> changes.writeCheckpoint(stored.userId(), stored.clientId()));
        if (planned.parameters().changed()) {
            changes.parameterIndex();
        }
        // A managed request is fulfilled once the stored position passes it: by the time its own
        // message is stored at the latest, so its client's streams look then.
        for (ChangeSet changeSet : changeSets) {
            if (!changeSet.requestsCheckpoint()) {
                continue;
            }
            if (changeSet.requesters() == null) {
                changes.anyWriteCheckpoint();
            } else {
                changeSet.requesters().forEach(key -> changes.writeCheckpoint(key.userId(), key.clientId()));
            }
        }
    }

    /** True when storage holds rows of {@code table}. */
    public boolean holdsRowsOf(SourceTable table) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM " + tables.currentRows() + " WHERE source_table = ? LIMIT 1")) {
            select.setString(1, table.key());
            try (ResultSet result = select.executeQuery()) {
                return result.next();
            }
        } catch (SQLException e) {
            throw new StorageException("Cannot read stored rows of " + table, e);
        }
    }

    public long lastOpId() {
        return lastOpId;
    }

    public long opsWritten() {
        return opsWritten;
    }

    /**
     * Records the position, announces the checkpoint to every bridge of this storage (NOTIFY,
     * {@link CheckpointNotice}) and commits: everything applied is durable before this returns, and
     * only then may the source be told it can forget it.
     *
     * @return what the checkpoint now visible to streams changed (its last op id included)
     */
    public CheckpointChanges commit(LogSequenceNumber lsn) {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + tables.replicationState()
                + " SET last_op_id = ?, last_lsn = ?::pg_lsn, updated_at = now() WHERE slot_name = ?");
                PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            update.setLong(1, lastOpId);
            update.setString(2, lsn.asString());
            update.setString(3, slot);
            update.executeUpdate();
            // Delivered on commit only: bridges that do not replicate learn of exactly what is visible.
            notify.setString(1, tables.checkpointChannel());
            CheckpointChanges committed = changes.build(lastOpId);
            notify.setString(2, CheckpointNotice.payload(committed));
            notify.execute();
            connection.commit();
            done = true;
            return committed;
        } catch (SQLException e) {
            throw new StorageException("Cannot commit bucket operations", e);
        }
    }

    @Override
    public void close() {
        try {
            if (!done) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The connection is broken; the pool discards it.
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Nothing more to release.
            }
        }
    }
}
