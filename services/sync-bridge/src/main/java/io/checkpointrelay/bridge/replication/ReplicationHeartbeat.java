package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Writes the heartbeat message ({@link RelayMessages#HEARTBEAT}) when replication has been idle for
 * the heartbeat interval. Decoding skips transactions of unpublished tables, so without it an idle
 * slot could pin the WAL those write; the heartbeat comes back as a transaction whose end the bridge
 * stores and acknowledges. Used by the replication thread only.
 */
final class ReplicationHeartbeat {

    private static final Logger LOG = Logger.getLogger(ReplicationHeartbeat.class);

    private final DataSource dataSource;
    private final long intervalNanos;
    private long lastActivity = System.nanoTime();
    private boolean failing;

    ReplicationHeartbeat(DataSource dataSource, Duration interval) {
        this.dataSource = dataSource;
        this.intervalNanos = interval.toNanos();
    }

    /** Something arrived from the source: no heartbeat needed for another interval. */
    void received() {
        lastActivity = System.nanoTime();
    }

    /** Writes a heartbeat when nothing arrived (and none was written) for the interval. */
    void beatIfIdle() {
        long now = System.nanoTime();
        if (now - lastActivity < intervalNanos) {
            return;
        }
        lastActivity = now;
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("SELECT " + RelayMessages.emit(RelayMessages.HEARTBEAT));
            failing = false;
        } catch (SQLException e) {
            // Replication itself notices a lost source; a heartbeat failing alone (a read-only
            // source, missing permission) only means the slot may lag: say so once per streak.
            if (!failing) {
                LOG.warnf("Cannot write the replication heartbeat (the slot may hold WAL while idle): %s", e.getMessage());
            }
            failing = true;
        }
    }
}
