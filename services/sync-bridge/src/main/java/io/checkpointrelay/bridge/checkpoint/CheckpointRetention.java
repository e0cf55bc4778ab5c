package io.checkpointrelay.bridge.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes write checkpoints not touched for {@code relay.checkpoints.retention}: stored
 * checkpoints rows (touched when replication stores the row again) and managed requests (touched
 * by a post of an equal or greater id, or a legacy GET). Without it every client id ever seen would
 * stay forever. Deletes in bounded batches, each its own short transaction; safe on several
 * instances at once. A client coming back after expiry simply requests a new checkpoint.
 */
@ApplicationScoped
public class CheckpointRetention {

    private static final Logger LOG = Logger.getLogger(CheckpointRetention.class);

    private final AgroalDataSource dataSource;
    private final StorageTables tables;
    private final ReplicationStatus replication;
    private final Duration retention;
    private final int batchSize;
    private final Counter expired;

    public CheckpointRetention(AgroalDataSource dataSource, StorageTables tables, ReplicationStatus replication, RelayConfig config,
            MeterRegistry registry) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.replication = replication;
        this.retention = config.checkpoints().retention();
        this.batchSize = config.checkpoints().cleanupBatchSize();
        this.expired = Counter.builder("relay.checkpoints.expired").description("Write checkpoints deleted after their retention")
                .register(registry);
    }

    @Scheduled(every = "${relay.checkpoints.cleanup-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCleanup() {
        if (!replication.storageReady()) {
            return; // no storage schema yet
        }
        try {
            deleteExpired();
        } catch (SQLException e) {
            LOG.warnf("Cannot delete expired write checkpoints (retrying at the next cleanup): %s", e.getMessage());
        }
    }

    /** Deletes every expired write checkpoint; returns how many. */
    public int deleteExpired() throws SQLException {
        int deleted = deleteExpired(tables.writeCheckpoints(), "updated_at") + deleteExpired(tables.checkpointRequests(), "touched_at");
        if (deleted > 0) {
            expired.increment(deleted);
            LOG.infof("Deleted %d write checkpoints not touched for %s", deleted, retention);
        }
        return deleted;
    }

    private int deleteExpired(String table, String touchedColumn) throws SQLException {
        String expiredRow = touchedColumn + " < now() - make_interval(secs => ?)";
        // The age is checked again on the row being deleted: one touched meanwhile stays.
        String sql = "DELETE FROM " + table + " WHERE " + expiredRow + " AND (user_id, client_id) IN (SELECT user_id, client_id FROM "
                + table + " WHERE " + expiredRow + " LIMIT ?)";
        int total = 0;
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(sql)) {
            double seconds = retention.toMillis() / 1000.0;
            delete.setDouble(1, seconds);
            delete.setDouble(2, seconds);
            delete.setInt(3, batchSize);
            int batch;
            do {
                batch = delete.executeUpdate();
                total += batch;
            } while (batch >= batchSize);
        }
        return total;
    }
}
