package io.checkpointrelay.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.checkpointrelay.stack.PostgresServer;

/**
 * Sees write-applier's transactions commit from outside the services: a trigger on the demo's
 * {@code lists} table NOTIFYs the id of each new list, PostgreSQL delivers it when the
 * transaction commits, and one connection LISTENs. Every benchmark upload creates exactly one
 * list, in the transaction that applies the whole batch and its checkpoint row, so the
 * notification marks that upload committed. The applier's own latency metric is not trusted.
 */
final class CommitListener implements AutoCloseable {

    private static final String CHANNEL = "bench_list_committed";
    private static final int POLL_MILLIS = 250;

    private final Connection connection;
    private final Map<String, UploadSample> expected = new ConcurrentHashMap<>();
    private final AtomicLong committed = new AtomicLong();
    private final Thread listener;
    private volatile boolean running = true;
    private volatile String failure;

    private CommitListener(Connection connection) {
        this.connection = connection;
        this.listener = Thread.ofPlatform().daemon().name("bench-commit-listener").start(this::listen);
    }

    /** Installs the trigger in {@code database} and starts listening. */
    static CommitListener start(PostgresServer postgres, String database) throws SQLException {
        Connection connection = postgres.connect(database);
        try (Statement sql = connection.createStatement()) {
            sql.execute("CREATE OR REPLACE FUNCTION " + CHANNEL + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "PERFORM pg_notify('" + CHANNEL + "', NEW.id::text); RETURN NULL; END $$");
            sql.execute("CREATE OR REPLACE TRIGGER " + CHANNEL + " AFTER INSERT ON lists FOR EACH ROW EXECUTE FUNCTION "
                    + CHANNEL + "()");
            sql.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new CommitListener(connection);
    }

    /** Registers an upload before it is sent, so its commit is matched however early it comes. */
    void expect(UploadSample sample) {
        expected.put(sample.listId(), sample);
    }

    /** Uploads whose transaction committed so far. */
    long committed() {
        return committed.get();
    }

    private void listen() {
        try {
            PGConnection notifications = connection.unwrap(PGConnection.class);
            while (running) {
                PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
                long now = System.nanoTime();
                if (received == null) {
                    continue;
                }
                for (PGNotification notification : received) {
                    committed.incrementAndGet();
                    UploadSample sample = expected.remove(notification.getParameter());
                    if (sample != null) {
                        sample.committed(now);
                    }
                }
            }
        } catch (SQLException e) {
            if (running) {
                failure = e.toString();
            }
        }
    }

    /** Throws when listening failed: the commit figures would be wrong. */
    void check() {
        if (failure != null) {
            throw new IllegalStateException("listening for commits failed: " + failure);
        }
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        running = false;
        listener.join(POLL_MILLIS * 4L);
        connection.close();
    }
}
