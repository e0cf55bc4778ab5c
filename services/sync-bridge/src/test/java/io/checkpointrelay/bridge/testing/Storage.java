package io.checkpointrelay.bridge.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.awaitility.Awaitility;

import io.checkpointrelay.bridge.replication.ReplicationStatus;

/** Test access to the source database and to what the bridge stored. */
public final class Storage {

    /** A stored bucket op. */
    public record Op(long opId, String op, String objectType, String objectId, String data, long checksum) {
    }

    /** A row of bucket_state. */
    public record State(long lastOpId, long checksum, long count) {
    }

    private final DataSource db;

    public Storage(DataSource db) {
        this.db = db;
    }

    /** Storage access once the bridge is replicating, so a test's writes are picked up. */
    public static Storage whenReplicating(DataSource db, ReplicationStatus status) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> status.state() == ReplicationStatus.State.REPLICATING);
        return new Storage(db);
    }

    /** Runs statements with parameters in one transaction. */
    public void sql(String statement, Object... parameters) {
        transaction(new Object[][] { prepend(statement, parameters) });
    }

    /** Each entry: SQL followed by its parameters. */
    public void transaction(Object[]... statements) {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            for (Object[] statement : statements) {
                try (PreparedStatement prepared = connection.prepareStatement((String) statement[0])) {
                    for (int i = 1; i < statement.length; i++) {
                        prepared.setObject(i, statement[i]);
                    }
                    prepared.execute();
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Op> ops(String bucket) {
        return query("SELECT op_id, op, object_type, object_id, data, checksum FROM relay_sync.bucket_data WHERE bucket = ? ORDER BY op_id",
                bucket, result -> new Op(result.getLong(1), result.getString(2), result.getString(3), result.getString(4),
                        result.getString(5), result.getLong(6)));
    }

    public State state(String bucket) {
        List<State> states = query("SELECT last_op_id, checksum, op_count FROM relay_sync.bucket_state WHERE bucket = ?", bucket,
                result -> new State(result.getLong(1), result.getLong(2), result.getLong(3)));
        return states.isEmpty() ? null : states.get(0);
    }

    public long scalar(String sql, Object... parameters) {
        List<Long> values = query(sql, parameters.length == 0 ? null : parameters[0], result -> result.getLong(1));
        return values.isEmpty() ? 0 : values.get(0);
    }

    public String text(String sql) {
        List<String> values = query(sql, null, result -> result.getString(1));
        return values.isEmpty() ? null : values.get(0);
    }

    /** The first row of a query with parameters, column label to value (empty when there is none). */
    public Map<String, Object> row(String sql, Object... parameters) {
        try (Connection connection = db.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            try (ResultSet result = select.executeQuery()) {
                if (result.next()) {
                    for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                        row.put(result.getMetaData().getColumnLabel(i), result.getObject(i));
                    }
                }
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Mapper<T> {
        T map(ResultSet result) throws SQLException;
    }

    private <T> List<T> query(String sql, Object parameter, Mapper<T> mapper) {
        try (Connection connection = db.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setObject(1, parameter);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(mapper.map(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object[] prepend(String statement, Object[] parameters) {
        Object[] all = new Object[parameters.length + 1];
        all[0] = statement;
        System.arraycopy(parameters, 0, all, 1, parameters.length);
        return all;
    }
}
