package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.protocol.InstanceName;

/**
 * Decides which of several bridges over one storage replicates: the one whose database session
 * holds an advisory lock named after the slot. The lock is taken before the slot is touched, so
 * two bridges starting at once never both create a slot or copy a snapshot. A crashed holder's
 * session ends with its connection, which frees the lock at once; a standby then takes over. The
 * slot's own exclusivity (one active reader) backs the lock up.
 */
@ApplicationScoped
class ReplicationLeadership {

    private static final Logger LOG = Logger.getLogger(ReplicationLeadership.class);
    /** How often a held lease checks that its session still lives (the replication thread asks on every loop). */
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private final SourceConnections connections;
    private final String lockName;

    ReplicationLeadership(SourceConnections connections, RelayConfig config) {
        this.connections = connections;
        this.lockName = "relay-replication:" + config.replication().slot();
    }

    /** The advisory lock's name (taken as {@code hashtext(name)}): one per slot. */
    String lockName() {
        return lockName;
    }

    /** The lease when no other session holds it; empty while another bridge replicates. */
    Optional<Lease> tryAcquire() throws SQLException {
        Connection session = connections.openSession("relay-sync-bridge-leader " + InstanceName.get());
        try (PreparedStatement lock = session.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            lock.setString(1, lockName);
            try (ResultSet result = lock.executeQuery()) {
                if (result.next() && result.getBoolean(1)) {
                    return Optional.of(new Lease(session));
                }
            }
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
        session.close();
        return Optional.empty();
    }

    /** Replication rights while its session lives; closing it lets a standby take over. */
    static final class Lease implements AutoCloseable {

        private final Connection session;
        private long checkedAt = System.nanoTime();
        private boolean held = true;

        private Lease(Connection session) {
            this.session = session;
        }

        /**
         * False once the session is gone: the database may already have given the lock to a standby,
         * so this bridge must stop writing. Cheap enough to call on every loop; checks at most every
         * two seconds. Replication thread only.
         */
        boolean held() {
            if (held && System.nanoTime() - checkedAt >= CHECK_INTERVAL.toNanos()) {
                checkedAt = System.nanoTime();
                try {
                    held = session.isValid((int) CHECK_INTERVAL.toSeconds());
                } catch (SQLException e) {
                    held = false;
                }
                if (!held) {
                    LOG.warn("The replication lease's database session is gone: stopping replication so a standby can take over");
                }
            }
            return held;
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.debugf("Closing the replication lease: %s", e.getMessage());
            }
        }
    }
}
