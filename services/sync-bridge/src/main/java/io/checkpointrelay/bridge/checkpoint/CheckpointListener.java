package io.checkpointrelay.bridge.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.ReplicationPosition;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.replication.SourceConnections;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.protocol.InstanceName;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Hears every storage commit of every bridge sharing this storage (LISTEN on the channel
 * {@link io.checkpointrelay.bridge.bucket.BucketBatch} notifies) and announces it to this
 * bridge's streams with what it changed, so a bridge that does not replicate wakes its streams as
 * promptly and as selectively as the replicating one, with one connection for all of them. After
 * each (re)connection it announces the stored checkpoint, since notices sent while it was away are
 * lost. While it is disconnected, {@link CheckpointPoller} polls instead.
 */
@ApplicationScoped
public class CheckpointListener {

    private static final Logger LOG = Logger.getLogger(CheckpointListener.class);
    private static final int WAIT_MILLIS = 1000;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final SourceConnections connections;
    private final BucketReader reader;
    private final CheckpointNotifier notifier;
    private final ReplicationStatus replication;
    private final String channel;

    private volatile boolean running;
    private volatile boolean listening;
    private Thread thread;

    public CheckpointListener(SourceConnections connections, BucketReader reader, CheckpointNotifier notifier,
            ReplicationStatus replication, StorageTables tables) {
        this.connections = connections;
        this.reader = reader;
        this.notifier = notifier;
        this.replication = replication;
        this.channel = tables.checkpointChannel();
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "relay-checkpoint-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(5).toMillis());
        }
    }

    /** True while notices arrive: storage commits reach this bridge's streams without polling. */
    public boolean listening() {
        return listening;
    }

    private void run() {
        boolean warned = false;
        while (running) {
            try (Connection session = connections.openSession("relay-sync-bridge-listen " + InstanceName.get())) {
                try (Statement listen = session.createStatement()) {
                    listen.execute("LISTEN " + SourceTable.quote(channel));
                }
                listening = true;
                catchUp();
                if (warned) {
                    LOG.info("Listening for storage commits again");
                    warned = false;
                }
                PGConnection notices = session.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notices.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notice : received) {
                            announce(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                listening = false;
                if (!running) {
                    break;
                }
                if (!warned) {
                    LOG.warnf("Cannot listen for storage commits, polling until it works again: %s", e.getMessage());
                    warned = true;
                }
                try {
                    Thread.sleep(RETRY_DELAY.toMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        listening = false;
    }

    /**
     * Notices sent before LISTEN took effect are lost: announce what storage holds now. Before any
     * bridge created the storage there is nothing to announce.
     */
    private void catchUp() {
        try {
            ReplicationPosition position = reader.position();
            replication.observed(position);
            notifier.publish(position.lastOpId());
        } catch (SQLException e) {
            LOG.debugf("No stored position to announce yet: %s", e.getMessage());
        }
    }

    private void announce(String payload) {
        try {
            notifier.publish(CheckpointNotice.parse(payload));
        } catch (IllegalArgumentException e) {
            LOG.warnf("Ignoring a notice on %s: %s", channel, e.getMessage());
        }
    }
}
