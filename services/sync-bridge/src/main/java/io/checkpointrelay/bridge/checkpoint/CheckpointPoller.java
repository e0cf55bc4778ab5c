package io.checkpointrelay.bridge.checkpoint;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.ReplicationPosition;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.quarkus.scheduler.Scheduled;

/**
 * The fallback for {@link CheckpointListener}: while this bridge neither replicates nor hears
 * storage commits (its LISTEN connection is down), its streams still need new checkpoints, so it
 * polls storage and announces them (waking every stream, as it cannot know what changed). Until
 * storage holds a stored position it also looks for one, so a bridge that is not replicating
 * starts serving streams once another instance stored the initial snapshot.
 */
@ApplicationScoped
public class CheckpointPoller {

    private static final Logger LOG = Logger.getLogger(CheckpointPoller.class);

    private final BucketReader reader;
    private final CheckpointNotifier notifier;
    private final CheckpointListener listener;
    private final ReplicationStatus replication;

    public CheckpointPoller(BucketReader reader, CheckpointNotifier notifier, CheckpointListener listener,
            ReplicationStatus replication) {
        this.reader = reader;
        this.notifier = notifier;
        this.listener = listener;
        this.replication = replication;
    }

    @Scheduled(every = "${relay.stream.checkpoint-poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        boolean announce = replication.state() != ReplicationStatus.State.REPLICATING && !listener.listening()
                && notifier.listenerCount() > 0;
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
