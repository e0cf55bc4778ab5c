package io.checkpointrelay.bridge.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Finds clients waiting longer than {@code relay.checkpoints.stuck-after} for a requested checkpoint,
 * logs each request once (user, client, id, age) and counts them ({@code relay.checkpoints.stuck}
 * counter, {@code relay.checkpoints.waiting} gauge). Two kinds of waiting:
 * <ul>
 * <li>{@code replication}: a managed request (posted or legacy GET) whose recorded source position
 * storage has not reached; its age counts from the request. Read from storage, so every instance
 * sees every client's; the once-per-request mark is stored, so only one instance logs it.</li>
 * <li>{@code delivery}: a client with a stream open on this instance whose stored write checkpoint
 * (a replicated checkpoints row, or a fulfilled managed request) is greater than the one the
 * stream last sent; its age counts from when storage got it or the stream opened, whichever is
 * later. In custom mode this is the only waiting the bridge can see: it learns of a request only
 * when the backend's row arrives, already fulfilled, so a request still queued at the backend is
 * invisible here (upload-api and write-applier see that part).</li>
 * </ul>
 */
@Startup
@ApplicationScoped
public class WaitingClients {

    private static final Logger LOG = Logger.getLogger(WaitingClients.class);
    /** Most newly stuck requests logged per check, so an outage cannot flood the log. */
    private static final int MAX_REPORTED_PER_CHECK = 100;

    private final AgroalDataSource dataSource;
    private final StorageTables tables;
    private final String slot;
    private final ConnectedClients clients;
    private final ReplicationStatus replication;
    private final Duration stuckAfter;
    private final Counter stuckInReplication;
    private final Counter stuckInDelivery;
    private final AtomicInteger waiting = new AtomicInteger();

    public WaitingClients(AgroalDataSource dataSource, StorageTables tables, RelayConfig config, ConnectedClients clients,
            ReplicationStatus replication, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.slot = config.replication().slot();
        this.clients = clients;
        this.replication = replication;
        this.stuckAfter = config.checkpoints().stuckAfter();
        this.stuckInReplication = stuckCounter(registry, "replication");
        this.stuckInDelivery = stuckCounter(registry, "delivery");
        Gauge.builder("relay.checkpoints.waiting", waiting, AtomicInteger::get)
                .description("Checkpoint requests waiting longer than relay.checkpoints.stuck-after right now")
                .register(registry);
    }

    private static Counter stuckCounter(MeterRegistry registry, String reason) {
        return Counter.builder("relay.checkpoints.stuck").tag("reason", reason)
                .description("Checkpoint requests that waited longer than relay.checkpoints.stuck-after (each counted once)")
                .register(registry);
    }

    /** Requests waiting longer than the threshold at the last check. */
    public int waiting() {
        return waiting.get();
    }

    @Scheduled(every = "${relay.checkpoints.stuck-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!replication.storageReady()) {
            return; // no storage schema to read yet
        }
        try (Connection connection = dataSource.getConnection()) {
            waiting.set(reportUnreplicated(connection) + reportUndelivered(connection));
        } catch (SQLException e) {
            LOG.debugf("Cannot look for waiting clients: %s", e.getMessage());
        }
    }

    /** Managed requests storage has not reached; logs the newly stuck ones. Returns how many are stuck. */
    private int reportUnreplicated(Connection connection) throws SQLException {
        String requests = tables.checkpointRequests();
        String stored = "COALESCE((SELECT last_lsn FROM " + tables.replicationState() + " WHERE slot_name = ?), '0/0'::pg_lsn)";
        String stuck = "requested_at <= now() - make_interval(secs => ?) AND lsn > " + stored;
        // The conditions are repeated outside the sub-select: a request replaced meanwhile is re-checked, not marked.
        try (PreparedStatement mark = connection.prepareStatement("UPDATE " + requests + " SET wait_reported = true"
                + " WHERE NOT wait_reported AND " + stuck + " AND (user_id, client_id) IN (SELECT user_id, client_id FROM " + requests
                + " WHERE NOT wait_reported AND " + stuck + " LIMIT " + MAX_REPORTED_PER_CHECK + ")"
                + " RETURNING user_id, client_id, request_id, lsn::text, requested_at, " + stored)) {
            double seconds = stuckAfter.toMillis() / 1000.0;
            mark.setDouble(1, seconds);
            mark.setString(2, slot);
            mark.setDouble(3, seconds);
            mark.setString(4, slot);
            mark.setString(5, slot);
            try (ResultSet result = mark.executeQuery()) {
                while (result.next()) {
                    stuckInReplication.increment();
                    LOG.warnf("Client %s of user %s has waited %d s for checkpoint request %d: storage has not reached its "
                            + "position %s yet (stored up to %s); is replication behind?", result.getString(2), result.getString(1),
                            age(result.getTimestamp(5).toInstant()), result.getLong(3), result.getString(4), result.getString(6));
                }
            }
        }
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + requests + " WHERE " + stuck)) {
            count.setDouble(1, stuckAfter.toMillis() / 1000.0);
            count.setString(2, slot);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    /** Open streams of this instance that have not sent their client's stored write checkpoint. */
    private int reportUndelivered(Connection connection) throws SQLException {
        List<ConnectedClients.Stream> streams = clients.streams();
        if (streams.isEmpty()) {
            return 0;
        }
        // Per stream: the greater of its custom and its fulfilled managed write checkpoint, and since when storage has it.
        try (PreparedStatement select = connection.prepareStatement("SELECT c.i, w.checkpoint, w.updated_at, r.request_id, r.requested_at"
                + " FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS c(u, cl, i)"
                + " CROSS JOIN (SELECT last_op_id, last_lsn FROM " + tables.replicationState() + " WHERE slot_name = ?) s"
                + " LEFT JOIN " + tables.writeCheckpoints() + " w ON w.user_id = c.u AND w.client_id = c.cl AND w.op_id <= s.last_op_id"
                + " LEFT JOIN " + tables.checkpointRequests() + " r ON r.user_id = c.u AND r.client_id = c.cl AND r.lsn <= s.last_lsn")) {
            select.setArray(1, connection.createArrayOf("text", streams.stream().map(s -> s.userId).toArray()));
            select.setArray(2, connection.createArrayOf("text", streams.stream().map(s -> s.clientId).toArray()));
            select.setString(3, slot);
            int stuck = 0;
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    ConnectedClients.Stream stream = streams.get(result.getInt(1) - 1);
                    Stored custom = Stored.of(result, 2, 3);
                    Stored managed = Stored.of(result, 4, 5);
                    Stored effective = custom == null ? managed : managed == null || custom.id >= managed.id ? custom : managed;
                    if (effective != null && undelivered(stream, effective)) {
                        stuck++;
                    }
                }
            }
            return stuck;
        }
    }

    /** True when {@code stored} has waited on {@code stream} past the threshold; logs it once per id. */
    private boolean undelivered(ConnectedClients.Stream stream, Stored stored) {
        Long sent = stream.sent.get();
        if (sent != null && sent >= stored.id) {
            return false;
        }
        Instant since = stored.since.isAfter(stream.openedAt) ? stored.since : stream.openedAt;
        if (Duration.between(since, Instant.now()).compareTo(stuckAfter) < 0) {
            return false;
        }
        if (!Long.valueOf(stored.id).equals(stream.reported)) {
            stream.reported = stored.id;
            stuckInDelivery.increment();
            LOG.warnf("Client %s of user %s has waited %d s for checkpoint request %d: storage holds it but its stream has not "
                    + "sent it yet (last sent: %s); is the stream still busy with an earlier checkpoint's download?",
                    stream.clientId, stream.userId, age(since), stored.id, sent);
        }
        return true;
    }

    private static long age(Instant since) {
        return Math.max(0, Duration.between(since, Instant.now()).toSeconds());
    }

    /** A stored write checkpoint and since when storage holds it. */
    private record Stored(long id, Instant since) {
        static Stored of(ResultSet result, int idColumn, int sinceColumn) throws SQLException {
            long id = result.getLong(idColumn);
            if (result.wasNull()) {
                return null;
            }
            Timestamp since = result.getTimestamp(sinceColumn);
            return new Stored(id, since.toInstant());
        }
    }
}
