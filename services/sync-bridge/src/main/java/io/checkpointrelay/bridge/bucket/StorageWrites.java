package io.checkpointrelay.bridge.bucket;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.checkpointrelay.bridge.bucket.PlannedWrites.RowId;
import io.checkpointrelay.bridge.bucket.PlannedWrites.StoredWriteCheckpoint;
import io.checkpointrelay.bridge.rules.ParameterEntry;
import io.checkpointrelay.bridge.rules.ParameterLookup;
import io.checkpointrelay.bridge.rules.SourceTable;

/**
 * The SQL of one storage step, on the caller's connection and transaction: COPY for ops, one
 * array-based statement per table for everything else, so a step costs a handful of round trips
 * whatever its size.
 */
final class StorageWrites implements ChangePlanner.StoredRows {

    private static final int COPY_CHUNK_BYTES = 1 << 20;

    private final Connection connection;
    private final StorageTables tables;
    private final boolean copyNewRows;

    /**
     * @param copyNewRows add rows only INSERTs touched with COPY (fast; fails with a unique
     *                    violation if storage unexpectedly holds one) instead of an upsert
     */
    StorageWrites(Connection connection, StorageTables tables, boolean copyNewRows) {
        this.connection = connection;
        this.tables = tables;
        this.copyNewRows = copyNewRows;
    }

    @Override
    public Map<String, StoredRow> load(SourceTable table, Collection<String> keys) {
        String sql = "SELECT row_key, data, buckets FROM " + tables.currentRows()
                + " WHERE source_table = ? AND row_key = ANY (?)";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, table.key());
            select.setArray(2, connection.createArrayOf("text", keys.toArray(String[]::new)));
            return rows(select);
        } catch (SQLException e) {
            throw new StorageException("Cannot read stored rows of " + table, e);
        }
    }

    @Override
    public Map<String, StoredRow> loadAll(SourceTable table) {
        String sql = "SELECT row_key, data, buckets FROM " + tables.currentRows() + " WHERE source_table = ?";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, table.key());
            return rows(select);
        } catch (SQLException e) {
            throw new StorageException("Cannot read stored rows of " + table, e);
        }
    }

    @Override
    public Map<String, List<ParameterEntry>> loadParameters(SourceTable table, Collection<String> keys) {
        String sql = "SELECT row_key, query_id, lookup, output FROM " + tables.parameterIndex()
                + " WHERE source_table = ? AND row_key = ANY (?) ORDER BY row_key, query_id";
        Map<String, List<ParameterEntry>> entries = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, table.key());
            select.setArray(2, connection.createArrayOf("text", keys.toArray(String[]::new)));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    entries.computeIfAbsent(result.getString(1), k -> new ArrayList<>()).add(new ParameterEntry(
                            new ParameterLookup(result.getString(2), result.getString(3)), result.getString(4)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new StorageException("Cannot read stored parameter index entries of " + table, e);
        }
    }

    private static Map<String, StoredRow> rows(PreparedStatement select) throws SQLException {
        Map<String, StoredRow> rows = new HashMap<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.put(result.getString(1), new StoredRow(result.getString(2), RowPlacement.fromJson(result.getString(3))));
            }
        }
        return rows;
    }

    void write(PlannedWrites writes) throws SQLException {
        writeRows(writes);
        copyOps(writes.ops());
        addToBucketStates(writes.bucketIncrements());
        writeCheckpoints(writes.writeCheckpoints());
        writeParameters(writes.parameters(), writes.newRows());
    }

    private void writeRows(PlannedWrites writes) throws SQLException {
        if (!writes.truncatedTables().isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + tables.currentRows() + " WHERE source_table = ANY (?)")) {
                delete.setArray(1, textArray(writes.truncatedTables().stream().map(SourceTable::key).toList()));
                delete.executeUpdate();
            }
        }
        List<String> goneTables = new ArrayList<>();
        List<String> goneKeys = new ArrayList<>();
        List<String> tablesOut = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> data = new ArrayList<>();
        List<String> buckets = new ArrayList<>();
        List<Map.Entry<RowId, StoredRow>> copied = new ArrayList<>();
        for (Map.Entry<RowId, StoredRow> entry : writes.rows().entrySet()) {
            RowId id = entry.getKey();
            if (entry.getValue() == null) {
                goneTables.add(id.table().key());
                goneKeys.add(id.key());
            } else if (copyNewRows && writes.newRows().contains(id)) {
                copied.add(entry);
            } else {
                tablesOut.add(id.table().key());
                keys.add(id.key());
                data.add(entry.getValue().data());
                buckets.add(RowPlacement.toJson(entry.getValue().placements()));
            }
        }
        if (!goneKeys.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + tables.currentRows()
                    + " c USING unnest(?::text[], ?::text[]) AS g(t, k) WHERE c.source_table = g.t AND c.row_key = g.k")) {
                delete.setArray(1, textArray(goneTables));
                delete.setArray(2, textArray(goneKeys));
                delete.executeUpdate();
            }
        }
        copyRows(copied);
        if (!keys.isEmpty()) {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.currentRows()
                    + " (source_table, row_key, data, buckets)"
                    + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])"
                    + " ON CONFLICT (source_table, row_key) DO UPDATE SET data = EXCLUDED.data, buckets = EXCLUDED.buckets")) {
                upsert.setArray(1, textArray(tablesOut));
                upsert.setArray(2, textArray(keys));
                upsert.setArray(3, textArray(data));
                upsert.setArray(4, textArray(buckets));
                upsert.executeUpdate();
            }
        }
    }

    private void copyRows(List<Map.Entry<RowId, StoredRow>> rows) throws SQLException {
        copy(tables.currentRows() + " (source_table, row_key, data, buckets)", rows, (text, row) -> {
            text.field(row.getKey().table().key()).tab();
            text.field(row.getKey().key()).tab();
            text.field(row.getValue().data()).tab();
            text.field(RowPlacement.toJson(row.getValue().placements())).endLine();
        });
    }

    private void copyOps(List<BucketOp> ops) throws SQLException {
        copy(tables.bucketData() + " (bucket, op_id, op, object_type, object_id, subkey, data, checksum)", ops, (text, op) -> {
            text.field(op.bucket()).tab().number(op.opId()).tab().field(op.op().name()).tab();
            text.field(op.objectType()).tab();
            text.field(op.objectId()).tab();
            text.field(op.subkey()).tab();
            text.field(op.data()).tab().number(op.checksum()).endLine();
        });
    }

    /** COPY {@code target} FROM STDIN in text format, one line per item, sent in chunks. */
    private <T> void copy(String target, List<T> items, BiConsumer<CopyText, T> line) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN");
        try {
            CopyText text = new CopyText(Math.min(COPY_CHUNK_BYTES + 4096, items.size() * 256));
            for (T item : items) {
                line.accept(text, item);
                if (text.length() >= COPY_CHUNK_BYTES) {
                    text.sendTo(copy);
                }
            }
            text.sendTo(copy);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void addToBucketStates(List<BucketState> increments) throws SQLException {
        if (increments.isEmpty()) {
            return;
        }
        int n = increments.size();
        String[] buckets = new String[n];
        Long[] lastOpIds = new Long[n];
        Long[] checksums = new Long[n];
        Long[] counts = new Long[n];
        for (int i = 0; i < n; i++) {
            BucketState increment = increments.get(i);
            buckets[i] = increment.bucket();
            lastOpIds[i] = increment.lastOpId();
            checksums[i] = increment.checksum();
            counts[i] = increment.count();
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.bucketState()
                + " AS s (bucket, last_op_id, checksum, op_count)"
                + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[])"
                + " ON CONFLICT (bucket) DO UPDATE SET last_op_id = EXCLUDED.last_op_id,"
                + " checksum = (s.checksum + EXCLUDED.checksum) % 4294967296, op_count = s.op_count + EXCLUDED.op_count")) {
            upsert.setArray(1, connection.createArrayOf("text", buckets));
            upsert.setArray(2, connection.createArrayOf("bigint", lastOpIds));
            upsert.setArray(3, connection.createArrayOf("bigint", checksums));
            upsert.setArray(4, connection.createArrayOf("bigint", counts));
            upsert.executeUpdate();
        }
    }

    private void writeCheckpoints(List<StoredWriteCheckpoint> checkpoints) throws SQLException {
        if (checkpoints.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.writeCheckpoints()
                + " (user_id, client_id, checkpoint, op_id, updated_at)"
                + " SELECT u, c, cp, op, now() FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[]) AS w(u, c, cp, op)"
                + " ON CONFLICT (user_id, client_id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint,"
                + " op_id = EXCLUDED.op_id, updated_at = EXCLUDED.updated_at")) {
            upsert.setArray(1, textArray(checkpoints.stream().map(StoredWriteCheckpoint::userId).toList()));
            upsert.setArray(2, textArray(checkpoints.stream().map(StoredWriteCheckpoint::clientId).toList()));
            upsert.setArray(3, connection.createArrayOf("bigint", checkpoints.stream().map(StoredWriteCheckpoint::checkpoint).toArray()));
            upsert.setArray(4, connection.createArrayOf("bigint", checkpoints.stream().map(StoredWriteCheckpoint::opId).toArray()));
            upsert.executeUpdate();
        }
    }

    /**
     * Replaces the parameter index entries of changed rows: entries of truncated tables first, then
     * per row its old entries (unless only INSERTs touched it and new rows are copied, like
     * current rows), then its new ones.
     */
    private void writeParameters(ParameterWrites parameters, Set<RowId> newRows) throws SQLException {
        if (!parameters.truncatedTables().isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + tables.parameterIndex() + " WHERE source_table = ANY (?)")) {
                delete.setArray(1, textArray(parameters.truncatedTables().stream().map(SourceTable::key).toList()));
                delete.executeUpdate();
            }
        }
        if (parameters.rows().isEmpty()) {
            return;
        }
        List<String> goneTables = new ArrayList<>();
        List<String> goneKeys = new ArrayList<>();
        List<String> queryIds = new ArrayList<>();
        List<String> lookups = new ArrayList<>();
        List<String> tablesOut = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (Map.Entry<RowId, List<ParameterEntry>> row : parameters.rows().entrySet()) {
            RowId id = row.getKey();
            if (!copyNewRows || !newRows.contains(id)) {
                goneTables.add(id.table().key());
                goneKeys.add(id.key());
            }
            for (ParameterEntry entry : row.getValue()) {
                queryIds.add(entry.lookup().queryId());
                lookups.add(entry.lookup().values());
                tablesOut.add(id.table().key());
                keys.add(id.key());
                outputs.add(entry.output());
            }
        }
        if (!goneKeys.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + tables.parameterIndex()
                    + " p USING unnest(?::text[], ?::text[]) AS g(t, k) WHERE p.source_table = g.t AND p.row_key = g.k")) {
                delete.setArray(1, textArray(goneTables));
                delete.setArray(2, textArray(goneKeys));
                delete.executeUpdate();
            }
        }
        if (!keys.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tables.parameterIndex()
                    + " (query_id, lookup, source_table, row_key, output)"
                    + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])")) {
                insert.setArray(1, textArray(queryIds));
                insert.setArray(2, textArray(lookups));
                insert.setArray(3, textArray(tablesOut));
                insert.setArray(4, textArray(keys));
                insert.setArray(5, textArray(outputs));
                insert.executeUpdate();
            }
        }
    }

    /** Records that the checkpoint {@code opId} changed the parameter index (see {@link ParameterWrites#changed()}). */
    void markParametersChanged(String slot, long opId) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + tables.parameterIndexState()
                + " (slot_name, last_change_op_id) VALUES (?, ?)"
                + " ON CONFLICT (slot_name) DO UPDATE SET last_change_op_id = EXCLUDED.last_change_op_id")) {
            upsert.setString(1, slot);
            upsert.setLong(2, opId);
            upsert.executeUpdate();
        }
    }

    private java.sql.Array textArray(List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
    }

    /**
     * Lines of COPY's text format, UTF-8 encoded and escaped into one reusable byte buffer:
     * replication writes several fields per row, and escaping char by char into a StringBuilder,
     * then copying it into a String and that into bytes, cost more than PostgreSQL's side of the COPY.
     */
    static final class CopyText {

        private byte[] bytes;
        private int length;

        CopyText(int capacity) {
            bytes = new byte[Math.max(capacity, 64)];
        }

        /** The value escaped ({@code \\}, {@code \n}, {@code \r}, {@code \t}), or {@code \N} for null. */
        CopyText field(String value) {
            if (value == null) {
                ensure(2);
                bytes[length++] = '\\';
                bytes[length++] = 'N';
                return this;
            }
            // The JDK's encoder and indexOf are the fastest (vectorized); the characters to escape
            // are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte sequence.
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (value.indexOf('\\') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\t') < 0) {
                ensure(utf8.length);
                System.arraycopy(utf8, 0, bytes, length, utf8.length);
                length += utf8.length;
                return this;
            }
            ensure(2 * utf8.length);
            for (byte b : utf8) {
                switch (b) {
                    case '\\' -> escaped('\\');
                    case '\n' -> escaped('n');
                    case '\r' -> escaped('r');
                    case '\t' -> escaped('t');
                    default -> bytes[length++] = b;
                }
            }
            return this;
        }

        private void escaped(char c) {
            bytes[length++] = '\\';
            bytes[length++] = (byte) c;
        }

        /** Decimal digits, written directly (no String per number: two per op). */
        CopyText number(long value) {
            if (value == Long.MIN_VALUE) {
                return ascii(Long.toString(value));
            }
            ensure(20);
            if (value < 0) {
                bytes[length++] = '-';
                value = -value;
            }
            int start = length;
            do {
                bytes[length++] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value != 0);
            for (int i = start, j = length - 1; i < j; i++, j--) {
                byte digit = bytes[i];
                bytes[i] = bytes[j];
                bytes[j] = digit;
            }
            return this;
        }

        private CopyText ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[length++] = (byte) text.charAt(i);
            }
            return this;
        }

        CopyText tab() {
            ensure(1);
            bytes[length++] = '\t';
            return this;
        }

        CopyText endLine() {
            ensure(1);
            bytes[length++] = '\n';
            return this;
        }

        int length() {
            return length;
        }

        /** The text so far as a string (tests). */
        String text() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }

        void sendTo(CopyIn copy) throws SQLException {
            if (length > 0) {
                copy.writeToCopy(bytes, 0, length);
                length = 0;
            }
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
