package io.checkpointrelay.bridge.compact;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.quarkus.scheduler.Scheduled;

/** Compacts bucket storage every {@code relay.compact.interval} (unless {@code off}). */
@ApplicationScoped
public class CompactionJob {

    private static final Logger LOG = Logger.getLogger(CompactionJob.class);

    private final Compactions compactions;
    private final ReplicationStatus replication;

    public CompactionJob(Compactions compactions, ReplicationStatus replication) {
        this.compactions = compactions;
        this.replication = replication;
    }

    @Scheduled(identity = "relay-compaction", every = "${relay.compact.interval}", delayed = "${relay.compact.initial-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void compact() {
        if (!replication.storageReady()) {
            LOG.debug("Storage is not ready yet; no compaction this time");
            return;
        }
        try {
            if (compactions.run().isEmpty()) {
                LOG.debug("Another compaction is running; skipped");
            }
        } catch (SQLException | RuntimeException e) {
            // Nothing is lost: every transaction left storage consistent; the next run continues.
            LOG.warnf(e, "Compaction failed: %s", e.getMessage());
        }
    }
}
