package io.checkpointrelay.bridge.replication;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Stores batches of committed transactions on a thread of its own, one batch at a time, so the
 * replication thread reads and decodes the next batch while PostgreSQL writes this one (both
 * sides of a storage step cost CPU; one after the other they left a core idle). The end
 * position of a stored batch goes back to the replication thread, the only one that talks to
 * the replication stream, which acknowledges it. Used by one replication thread.
 */
final class StorageStage implements AutoCloseable {

    /** Stores one batch in one storage transaction; returns the position storage now holds. */
    interface Store {
        LogSequenceNumber store(List<CommittedTransaction> batch) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(StorageStage.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 60;

    private final Store store;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "relay-storage");
        thread.setDaemon(true);
        return thread;
    });
    private Future<LogSequenceNumber> inFlight;

    StorageStage(Store store) {
        this.store = store;
    }

    /** A batch is being stored (and its result not yet taken). */
    boolean busy() {
        return inFlight != null;
    }

    /** Starts storing {@code batch}; the previous batch's result must have been taken. */
    void submit(List<CommittedTransaction> batch) {
        if (inFlight != null) {
            throw new IllegalStateException("a batch is still being stored");
        }
        List<CommittedTransaction> transactions = List.copyOf(batch);
        inFlight = executor.submit(() -> store.store(transactions));
    }

    /**
     * The position the batch in flight reached, when it is stored within {@code waitMillis}
     * (0: only if already done); null when none is in flight or it is not done yet. Rethrows
     * the failure of the batch.
     */
    LogSequenceNumber poll(long waitMillis) throws SQLException, InterruptedException {
        if (inFlight == null) {
            return null;
        }
        try {
            LogSequenceNumber stored = waitMillis > 0 ? inFlight.get(waitMillis, TimeUnit.MILLISECONDS)
                    : inFlight.isDone() ? inFlight.get() : null;
            if (stored != null) {
                inFlight = null;
            }
            return stored;
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            inFlight = null;
            throw rethrow(e.getCause());
        }
    }

    /** Waits until the batch in flight is stored; its position, or null when none is in flight. */
    LogSequenceNumber await() throws SQLException, InterruptedException {
        if (inFlight == null) {
            return null;
        }
        try {
            return inFlight.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            inFlight = null;
        }
    }

    private static SQLException rethrow(Throwable failure) {
        if (failure instanceof SQLException sql) {
            return sql;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(failure);
    }

    /**
     * Lets a batch in flight finish (its storage transaction commits or rolls back on its own)
     * before the caller gives up the session, so a new session never overlaps it.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warnf("A storage step is still running after %d s; leaving it behind", CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
