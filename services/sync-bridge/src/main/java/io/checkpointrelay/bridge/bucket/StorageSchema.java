package io.checkpointrelay.bridge.bucket;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.jboss.logging.Logger;

/**
 * Creates the storage schema when missing. Several bridges may start at once: an advisory lock
 * makes the {@code CREATE ... IF NOT EXISTS} statements run one bridge at a time.
 */
public final class StorageSchema {

    private static final Logger LOG = Logger.getLogger(StorageSchema.class);

    private StorageSchema() {
    }

    public static void ensure(Connection connection, StorageTables tables) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SELECT pg_advisory_xact_lock(hashtext('relay-storage-schema:' || " + literal(tables.schema()) + "))");
            sql.execute("CREATE SCHEMA IF NOT EXISTS " + tables.schemaSql());
            // One row per slot: the op id counter (last_op_id = the current checkpoint) and the
            // source position everything up to which is stored.
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.replicationState() + " ("
                    + "slot_name text PRIMARY KEY, "
                    + "last_op_id bigint NOT NULL DEFAULT 0, "
                    + "last_lsn pg_lsn, "
                    + "updated_at timestamptz NOT NULL DEFAULT now())");
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.bucketData() + " ("
                    + "bucket text NOT NULL, "
                    + "op_id bigint NOT NULL, "
                    + "op text NOT NULL, "
                    + "object_type text NOT NULL, "
                    + "object_id text NOT NULL, "
                    + "subkey text NOT NULL, "
                    + "data text, "
                    + "checksum bigint NOT NULL, "
                    + "PRIMARY KEY (bucket, op_id))");
            // Set by compaction on MOVE and CLEAR ops (see BucketOp.targetOp); added to older storage.
            sql.execute("ALTER TABLE " + tables.bucketData() + " ADD COLUMN IF NOT EXISTS target_op bigint");
            // Written in the same transaction as bucket_data, so a checkpoint's checksums always
            // match its ops.
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.bucketState() + " ("
                    + "bucket text PRIMARY KEY, "
                    + "last_op_id bigint NOT NULL, "
                    + "checksum bigint NOT NULL, "
                    + "op_count bigint NOT NULL)");
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.currentRows() + " ("
                    + "source_table text NOT NULL, "
                    + "row_key text NOT NULL, "
                    + "data text NOT NULL, "
                    + "buckets text NOT NULL, "
                    + "PRIMARY KEY (source_table, row_key))");
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.writeCheckpoints() + " ("
                    + "user_id text NOT NULL, "
                    + "client_id text NOT NULL, "
                    + "checkpoint bigint NOT NULL, "
                    + "op_id bigint NOT NULL, "
                    + "updated_at timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (user_id, client_id))");
            // Table parameter queries: each source row's entry, filed under the values its WHERE
            // compares with request values. Written in the same transaction as the bucket ops.
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.parameterIndex() + " ("
                    + "query_id text NOT NULL, "
                    + "lookup text NOT NULL, "
                    + "source_table text NOT NULL, "
                    + "row_key text NOT NULL, "
                    + "output text NOT NULL, "
                    + "PRIMARY KEY (query_id, lookup, source_table, row_key))");
            sql.execute("CREATE INDEX IF NOT EXISTS parameter_index_by_row ON " + tables.parameterIndex()
                    + " (source_table, row_key)");
            // Per slot: the op id of the last checkpoint that changed parameter_index, so streams
            // look their buckets up again only when it moved.
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.parameterIndexState() + " ("
                    + "slot_name text PRIMARY KEY, "
                    + "last_change_op_id bigint NOT NULL)");
            // Retention deletes by last touch.
            sql.execute("CREATE INDEX IF NOT EXISTS write_checkpoints_updated_at ON " + tables.writeCheckpoints() + " (updated_at)");
            // Managed checkpoint requests (POST /sync/checkpoint-request, GET /write-checkpoint2.json):
            // the greatest id per (user, client) and the source position recorded with it; the id
            // becomes the client's write_checkpoint once storage holds that position.
            sql.execute("CREATE TABLE IF NOT EXISTS " + tables.checkpointRequests() + " ("
                    + "user_id text NOT NULL, "
                    + "client_id text NOT NULL, "
                    + "request_id bigint NOT NULL, "
                    + "lsn pg_lsn, "
                    + "requested_at timestamptz NOT NULL DEFAULT now(), "
                    + "touched_at timestamptz NOT NULL DEFAULT now(), "
                    + "wait_reported boolean NOT NULL DEFAULT false, "
                    + "PRIMARY KEY (user_id, client_id))");
            // Requests fulfilled through the upload queue record no position (earlier versions required one).
            sql.execute("ALTER TABLE " + tables.checkpointRequests() + " ALTER COLUMN lsn DROP NOT NULL");
            // Unfulfilled requests are those past the stored position; retention deletes by last touch.
            sql.execute("CREATE INDEX IF NOT EXISTS checkpoint_requests_lsn ON " + tables.checkpointRequests() + " (lsn)");
            sql.execute("CREATE INDEX IF NOT EXISTS checkpoint_requests_touched_at ON " + tables.checkpointRequests() + " (touched_at)");
            connection.commit();
            LOG.debugf("Storage schema %s is ready", tables.schema());
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
