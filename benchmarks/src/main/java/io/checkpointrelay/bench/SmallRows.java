package io.checkpointrelay.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Small rows {@code (id uuid, owner_id text, description text, qty int)} written the way a busy
 * application writes them: multi-row INSERTs of {@value #ROWS_PER_INSERT} rows, each its own
 * transaction, on one connection.
 */
final class SmallRows {

    static final int ROWS_PER_INSERT = 1000;

    private SmallRows() {
    }

    /** A distinct id per (series, index), so runs and benchmarks never collide. */
    static UUID id(int series, long index) {
        return new UUID(0x0000_0000_0000_4000L | (long) series << 32, 0x8000_0000_0000_0000L | index);
    }

    /** Which owner row {@code index} belongs to. */
    interface Owners {
        String of(long index);

        static Owners single(String owner) {
            return index -> owner;
        }

        static Owners spread(String prefix, int count) {
            return index -> prefix + (index % count);
        }
    }

    /**
     * Inserts rows {@code first .. first + count - 1} of {@code series} into {@code table} with
     * autocommit, {@value #ROWS_PER_INSERT} rows per statement.
     */
    static void insert(Connection connection, String table, int series, long first, long count, Owners owners) throws SQLException {
        connection.setAutoCommit(true);
        long end = first + count;
        PreparedStatement full = connection.prepareStatement(insertSql(table, ROWS_PER_INSERT));
        try {
            for (long start = first; start < end; start += ROWS_PER_INSERT) {
                int rows = (int) Math.min(ROWS_PER_INSERT, end - start);
                if (rows == ROWS_PER_INSERT) {
                    bind(full, series, start, rows, owners);
                    full.executeUpdate();
                } else {
                    try (PreparedStatement partial = connection.prepareStatement(insertSql(table, rows))) {
                        bind(partial, series, start, rows, owners);
                        partial.executeUpdate();
                    }
                }
            }
        } finally {
            full.close();
        }
    }

    private static void bind(PreparedStatement insert, int series, long start, int rows, Owners owners) throws SQLException {
        int p = 1;
        for (int i = 0; i < rows; i++) {
            long index = start + i;
            insert.setObject(p++, id(series, index));
            insert.setString(p++, owners.of(index));
            insert.setString(p++, "item " + index + " of series " + series);
            insert.setInt(p++, (int) (index % 1000));
        }
    }

    private static String insertSql(String table, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (id, owner_id, description, qty) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?)");
        }
        return sql.toString();
    }
}
