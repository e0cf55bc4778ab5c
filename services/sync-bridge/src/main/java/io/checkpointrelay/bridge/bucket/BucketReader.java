package io.checkpointrelay.bridge.bucket;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.postgresql.replication.LogSequenceNumber;

import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.rules.ParameterLookup;
import io.checkpointrelay.bridge.rules.RequestBuckets;

/** What streams read from storage. Thread-safe; each call uses its own pooled connection. */
public final class BucketReader {

    private static final String OP_COLUMNS = "op_id, op, object_type, object_id, data, checksum, target_op";

    private final DataSource dataSource;
    private final StorageTables tables;
    private final String slot;

    public BucketReader(DataSource dataSource, StorageTables tables, String slot) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.slot = slot;
    }

    /**
     * Checkpoint, the request's buckets, their states and the write checkpoint of (user, client) in
     * one REPEATABLE READ transaction, so the bucket list is the one of the checkpoint (the parameter
     * index is written with the ops), checksums and counts are exactly those of its ops, and a managed
     * request counts as fulfilled exactly when this checkpoint's stored position reached it.
     *
     * @param previous the buckets resolved for the previous checkpoint (null at first): reused
     *                 without reading the parameter index when the index has not changed since
     */
    public StorageSnapshot snapshot(RequestBuckets request, ResolvedBuckets previous, String userId, String clientId)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long lastOpId = 0;
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT last_op_id FROM " + tables.replicationState() + " WHERE slot_name = ?")) {
                    select.setString(1, slot);
                    try (ResultSet result = select.executeQuery()) {
                        if (result.next()) {
                            lastOpId = result.getLong(1);
                        }
                    }
                }
                ResolvedBuckets resolved = resolve(connection, request, previous);
                List<String> buckets = resolved.buckets().stream().map(BucketRef::name).toList();
                Map<String, BucketState> states = new HashMap<>();
                if (!buckets.isEmpty()) {
                    try (PreparedStatement select = connection.prepareStatement("SELECT bucket, last_op_id, checksum, op_count FROM "
                            + tables.bucketState() + " WHERE bucket = ANY (?)")) {
                        select.setArray(1, connection.createArrayOf("text", buckets.toArray(String[]::new)));
                        try (ResultSet result = select.executeQuery()) {
                            while (result.next()) {
                                BucketState state = new BucketState(result.getString(1), result.getLong(2), result.getLong(3),
                                        result.getLong(4));
                                states.put(state.bucket(), state);
                            }
                        }
                    }
                }
                Long writeCheckpoint = null;
                if (clientId != null) {
                    // The greater of the replicated row's checkpoint (custom mode) and the managed
                    // request whose recorded position storage has reached.
                    try (PreparedStatement select = connection.prepareStatement("SELECT GREATEST("
                            + "(SELECT checkpoint FROM " + tables.writeCheckpoints() + " WHERE user_id = ? AND client_id = ? AND op_id <= ?), "
                            + "(SELECT r.request_id FROM " + tables.checkpointRequests() + " r JOIN " + tables.replicationState()
                            + " s ON s.slot_name = ? AND r.lsn <= s.last_lsn WHERE r.user_id = ? AND r.client_id = ?))")) {
                        select.setString(1, userId);
                        select.setString(2, clientId);
                        select.setLong(3, lastOpId);
                        select.setString(4, slot);
                        select.setString(5, userId);
                        select.setString(6, clientId);
                        try (ResultSet result = select.executeQuery()) {
                            if (result.next()) {
                                long value = result.getLong(1);
                                writeCheckpoint = result.wasNull() ? null : value;
                            }
                        }
                    }
                }
                connection.commit();
                return new StorageSnapshot(lastOpId, states, writeCheckpoint, resolved);
            } finally {
                connection.rollback();
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * The request's buckets in the connection's snapshot. Requests that need no parameter index
     * lookup keep their fixed list; others read the index only when it changed since {@code previous}.
     */
    private ResolvedBuckets resolve(Connection connection, RequestBuckets request, ResolvedBuckets previous)
            throws SQLException {
        if (!request.needsLookups()) {
            return previous != null ? previous : new ResolvedBuckets(request.resolve(Map.of()), 0);
        }
        long version = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT last_change_op_id FROM " + tables.parameterIndexState() + " WHERE slot_name = ?")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                if (result.next()) {
                    version = result.getLong(1);
                }
            }
        }
        if (previous != null && previous.parametersVersion() == version) {
            return previous;
        }
        List<ParameterLookup> lookups = request.lookups();
        Map<ParameterLookup, List<String>> outputs = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT p.query_id, p.lookup, p.output FROM "
                + tables.parameterIndex() + " p JOIN unnest(?::text[], ?::text[]) AS l(q, k)"
                + " ON p.query_id = l.q AND p.lookup = l.k")) {
            select.setArray(1, connection.createArrayOf("text", lookups.stream().map(ParameterLookup::queryId).toArray()));
            select.setArray(2, connection.createArrayOf("text", lookups.stream().map(ParameterLookup::values).toArray()));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    outputs.computeIfAbsent(new ParameterLookup(result.getString(1), result.getString(2)), l -> new ArrayList<>())
                            .add(result.getString(3));
                }
            }
        }
        return new ResolvedBuckets(request.resolve(outputs), version);
    }

    /** The stored position (checkpoint 0 and no source position before the first commit). */
    public ReplicationPosition position() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT last_op_id, last_lsn::text FROM " + tables.replicationState() + " WHERE slot_name = ?")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                if (!result.next()) {
                    return new ReplicationPosition(0, null);
                }
                String lsn = result.getString(2);
                return new ReplicationPosition(result.getLong(1), lsn == null ? null : LogSequenceNumber.valueOf(lsn));
            }
        }
    }

    /**
     * Up to {@code limit} ops of a bucket with {@code after < op_id <= upTo}, in op id order. When
     * compaction replaced that whole range with a CLEAR beyond {@code upTo} (it ran while a stream
     * was behind), that CLEAR alone: it {@link BucketOp#invalidates invalidates} the checkpoint, so
     * the stream brings the client to a later one instead of completing one it cannot hold.
     */
    public List<BucketOp> ops(String bucket, long after, long upTo, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<BucketOp> ops = new ArrayList<>(Math.min(limit, 1024));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + OP_COLUMNS + " FROM " + tables.bucketData()
                    + " WHERE bucket = ? AND op_id > ? AND op_id <= ? ORDER BY op_id LIMIT ?")) {
                select.setString(1, bucket);
                select.setLong(2, after);
                select.setLong(3, upTo);
                select.setInt(4, limit);
                readOps(bucket, select, ops);
            }
            if (ops.isEmpty() && after < upTo) {
                // Rare (the checkpoint said there are ops here): one more probe for a CLEAR.
                try (PreparedStatement select = connection.prepareStatement("SELECT " + OP_COLUMNS + " FROM " + tables.bucketData()
                        + " WHERE bucket = ? AND op_id > ? ORDER BY op_id LIMIT 1")) {
                    select.setString(1, bucket);
                    select.setLong(2, after);
                    readOps(bucket, select, ops);
                }
                ops.removeIf(op -> op.op() != OpType.CLEAR);
            }
            return ops;
        }
    }

    private static void readOps(String bucket, PreparedStatement select, List<BucketOp> ops) throws SQLException {
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                // The subkey only feeds REMOVE checksums, which are stored: clients never see it.
                ops.add(new BucketOp(bucket, result.getLong(1), OpType.valueOf(result.getString(2)), result.getString(3),
                        result.getString(4), null, result.getString(5), result.getLong(6), result.getLong(7)));
            }
        }
    }
}
