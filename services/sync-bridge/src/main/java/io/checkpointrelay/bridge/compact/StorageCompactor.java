package io.checkpointrelay.bridge.compact;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.StorageTables;

/**
 * One compaction of all buckets ({@link BucketCompactor}) up to the checkpoint current when it
 * starts. Several bridges may share the storage: a session advisory lock lets one compaction run
 * at a time, on one connection that also does the work (in short transactions). Framework-free.
 */
public final class StorageCompactor {

    private static final Logger LOG = Logger.getLogger(StorageCompactor.class);
    private static final int BUCKETS_PER_QUERY = 200;

    /**
     * @param batchSize      most ops read per query and changed per transaction
     * @param maxTrackedRows most objects of one bucket remembered while looking for superseded ops
     */
    public record Limits(int batchSize, int maxTrackedRows) {
        public Limits {
            // A CLEAR transaction folds the previous CLEAR and at least one more op.
            if (batchSize < 2 || maxTrackedRows < 0) {
                throw new IllegalArgumentException("Compaction needs a batch size of at least 2 and a non-negative row limit, not "
                        + batchSize + " and " + maxTrackedRows);
            }
        }
    }

    private final DataSource dataSource;
    private final StorageTables tables;
    private final String slot;
    private final Limits limits;

    public StorageCompactor(DataSource dataSource, StorageTables tables, String slot, Limits limits) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.slot = slot;
        this.limits = limits;
    }

    /** Compacts every bucket; empty when another compaction (here or in another bridge) is running. */
    public Optional<CompactionResult> run() throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!lock(connection, "pg_try_advisory_lock")) {
                return Optional.empty();
            }
            try {
                long checkpoint = checkpoint(connection);
                BucketCompactor compactor = new BucketCompactor(connection, tables, limits.batchSize(), limits.maxTrackedRows());
                int buckets = 0;
                int compacted = 0;
                long moved = 0;
                long cleared = 0;
                String after = "";
                for (List<String> page = buckets(connection, after); !page.isEmpty(); page = buckets(connection, after)) {
                    for (String bucket : page) {
                        BucketCompactor.Outcome outcome = compactor.compact(bucket, checkpoint);
                        buckets++;
                        moved += outcome.moved();
                        cleared += outcome.cleared();
                        if (outcome.moved() + outcome.cleared() > 0) {
                            compacted++;
                        }
                    }
                    after = page.get(page.size() - 1);
                }
                CompactionResult result = new CompactionResult(checkpoint, buckets, compacted, moved, cleared,
                        Duration.ofNanos(System.nanoTime() - started));
                LOG.infof("Compacted storage up to op %d: %d buckets, %d changed, %d ops moved, %d ops cleared, in %d ms",
                        checkpoint, buckets, compacted, moved, cleared, result.duration().toMillis());
                return Optional.of(result);
            } finally {
                unlock(connection);
            }
        }
    }

    private boolean lock(Connection connection, String function) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT " + function + "(hashtext(?))")) {
            lock.setString(1, "relay-compact:" + tables.schema());
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private void unlock(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            lock(connection, "pg_advisory_unlock");
        } catch (SQLException e) {
            // The pooled connection would keep the lock: drop it, which ends the session and the lock.
            LOG.warnf("Cannot release the compaction lock (%s); closing the connection", e.getMessage());
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // Closed already.
            }
        }
    }

    /** Only ops at or below this are compacted: everything up to it is committed. */
    private long checkpoint(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT last_op_id FROM " + tables.replicationState() + " WHERE slot_name = ?")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                return result.next() ? result.getLong(1) : 0;
            }
        }
    }

    /** The next buckets in name order that have more than one op (one op cannot be compacted). */
    private List<String> buckets(Connection connection, String after) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT bucket FROM " + tables.bucketState()
                + " WHERE bucket > ? AND op_count > 1 ORDER BY bucket LIMIT ?")) {
            select.setString(1, after);
            select.setInt(2, BUCKETS_PER_QUERY);
            List<String> buckets = new ArrayList<>(BUCKETS_PER_QUERY);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    buckets.add(result.getString(1));
                }
            }
            return buckets;
        }
    }
}
