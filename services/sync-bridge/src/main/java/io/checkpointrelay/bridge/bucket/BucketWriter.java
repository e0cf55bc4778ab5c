package io.checkpointrelay.bridge.bucket;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.checkpointrelay.bridge.rules.SyncRules;

/** Opens storage transactions ({@link BucketBatch}) for one replication slot. */
public final class BucketWriter {

    private final DataSource dataSource;
    private final StorageTables tables;
    private final String slot;
    private final SyncRules rules;

    public BucketWriter(DataSource dataSource, StorageTables tables, String slot, SyncRules rules) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.slot = slot;
        this.rules = rules;
    }

    /** Creates the storage schema when missing. */
    public void ensureSchema() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            StorageSchema.ensure(connection, tables);
        }
    }

    /** A storage transaction that adds rows only INSERTs touched with COPY (see {@link #begin(boolean)}). */
    public BucketBatch begin() throws SQLException {
        return begin(true);
    }

    /**
     * @param copyNewRows true: rows only INSERTs touched are added with COPY, which fails with a
     *                    unique violation ({@link #isDuplicateRow}) if storage already holds one;
     *                    false: every row is upserted (slower, never conflicts)
     */
    public BucketBatch begin(boolean copyNewRows) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            return new BucketBatch(connection, tables, slot, rules, copyNewRows);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** True when a storage step failed because an inserted row was already stored. */
    public static boolean isDuplicateRow(RuntimeException e) {
        return e instanceof StorageException storage && "23505".equals(storage.sqlCause().getSQLState());
    }

    /** The stored position, without locking. */
    public ReplicationPosition position() throws SQLException {
        try (BucketBatch batch = begin()) {
            return batch.startPosition();
        }
    }
}
