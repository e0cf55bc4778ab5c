package io.checkpointrelay.bridge.compact;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.quarkus.runtime.Startup;

/**
 * Runs compactions for the schedule and the admin endpoint, with the configured limits, on the
 * stream pool (one connection for the whole run), and counts them. Created at start-up, so bad
 * limits stop the bridge from starting.
 */
@Startup
@ApplicationScoped
public class Compactions {

    private final StorageCompactor compactor;
    private final CompactionMetrics metrics;

    public Compactions(AgroalDataSource dataSource, StorageTables tables, RelayConfig config, CompactionMetrics metrics) {
        RelayConfig.Compact compact = config.compact();
        this.compactor = new StorageCompactor(dataSource, tables, config.replication().slot(),
                new StorageCompactor.Limits(compact.batchSize(), compact.maxTrackedRows()));
        this.metrics = metrics;
    }

    /** Compacts all buckets; empty when another compaction is running (in this bridge or another). */
    public Optional<CompactionResult> run() throws SQLException {
        Optional<CompactionResult> result;
        try {
            result = compactor.run();
        } catch (SQLException | RuntimeException e) {
            metrics.failed();
            throw e;
        }
        result.ifPresentOrElse(metrics::completed, metrics::busy);
        return result;
    }
}
