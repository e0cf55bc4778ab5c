package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.quarkus.scheduler.Scheduled;

/**
 * When this bridge is not the one replicating (another instance holds the slot, or replication is
 * retrying), its streams still need to hear about new checkpoints: poll storage and announce them.
 * While replicating, storage commits announce checkpoints directly and this does nothing.
 */
@ApplicationScoped
public class CheckpointPoller {

    private static final Logger LOG = Logger.getLogger(CheckpointPoller.class);

    private final BucketReader reader;
    private final CheckpointNotifier notifier;
    private final ReplicationStatus replication;

    public CheckpointPoller(BucketReader reader, CheckpointNotifier notifier, ReplicationStatus replication) {
        this.reader = reader;
        this.notifier = notifier;
        this.replication = replication;
    }

    @Scheduled(every = "${relay.stream.checkpoint-poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (replication.state() == ReplicationStatus.State.REPLICATING || !replication.storageReady()
                || notifier.listenerCount() == 0) {
            return;
        }
        try {
            notifier.publish(reader.lastOpId());
        } catch (SQLException e) {
            LOG.debugf("Cannot read the stored checkpoint: %s", e.getMessage());
        }
    }
}
