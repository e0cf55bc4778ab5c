package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.ReplicationPosition;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.quarkus.scheduler.Scheduled;

/**
 * When this bridge is not the one replicating (another instance holds the slot, or replication is
 * retrying), its streams still need to hear about new checkpoints: poll storage and announce them.
 * While replicating, storage commits announce checkpoints directly. Until storage holds a stored
 * position it also looks for one, so a bridge that is not replicating starts serving streams once
 * another instance stored the initial snapshot.
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
        boolean announce = replication.state() != ReplicationStatus.State.REPLICATING && notifier.listenerCount() > 0;
        if (replication.storageReady() && !announce) {
            return;
        }
        try {
            ReplicationPosition position = reader.position();
            // Another instance may have stored the initial snapshot: streams can be served from now on.
            replication.observed(position);
            if (announce) {
                notifier.publish(position.lastOpId());
            }
        } catch (SQLException e) {
            LOG.debugf("Cannot read the stored position: %s", e.getMessage());
        }
    }
}
