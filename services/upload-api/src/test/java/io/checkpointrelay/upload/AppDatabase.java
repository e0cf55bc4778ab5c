package io.checkpointrelay.upload;

import java.time.Duration;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The application database as the tests see it: rows written by others, stored checkpoint request ids. */
final class AppDatabase {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Pool pool;

    AppDatabase(Pool pool) {
        this.pool = pool;
    }

    RowSet<Row> sql(String sql, Object... parameters) {
        return pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().atMost(TIMEOUT);
    }

    long scalar(String sql, Object... parameters) {
        return sql(sql, parameters).iterator().next().getLong(0);
    }

    /** A list (and optionally a todo in it) owned by {@code owner}, as the write-applier would have stored it. */
    void storeList(String listId, String owner) {
        sql("INSERT INTO lists (id, name, owner_id) VALUES ($1::uuid, 'theirs', $2) ON CONFLICT (id) DO NOTHING", listId, owner);
    }

    void storeTodo(String todoId, String listId, String owner) {
        sql("INSERT INTO todos (id, description, created_by, list_id) VALUES ($1::uuid, 'theirs', $2, $3::uuid)"
                + " ON CONFLICT (id) DO NOTHING", todoId, owner, listId);
    }
}
