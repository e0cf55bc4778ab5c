package io.checkpointrelay.bridge.replication;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.BucketBatch;
import io.checkpointrelay.bridge.bucket.BucketWriter;
import io.checkpointrelay.bridge.bucket.ChangeSet;
import io.checkpointrelay.bridge.bucket.ReplicationPosition;
import io.checkpointrelay.bridge.checkpoint.CheckpointChanges;
import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.config.BridgeBeans;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.agroal.DataSource;

/**
 * One connection's worth of replication: prepare storage, publication and slot (with an initial
 * snapshot when the slot is new), then stream. Whole source transactions are stored, several per
 * storage transaction when they are already waiting; the slot is acknowledged only after storage
 * committed. While idle it acknowledges the source's keepalive positions and writes heartbeats
 * ({@link ReplicationHeartbeat}), so the slot never holds WAL it does not need. Returns when
 * {@code running} turns false; throws on any failure (the caller retries).
 * Holds no state between runs, so one instance serves every attempt.
 */
@Singleton
class ReplicationSession {

    private static final Logger LOG = Logger.getLogger(ReplicationSession.class);
    private static final long IDLE_POLL_MILLIS = 5;

    private final AgroalDataSource dataSource;
    private final SourceConnections connections;
    private final SyncRules rules;
    private final CheckpointsTable checkpointsTable;
    private final BucketWriter writer;
    private final CheckpointNotifier notifier;
    private final ReplicationStatus status;
    private final ReplicationMetrics metrics;
    private final LifecycleEvents events;
    private final RelayConfig.Replication config;
    /** End of the latest heartbeat transaction read, until it is acknowledged (replication thread only). */
    private LogSequenceNumber heartbeatToReport;

    ReplicationSession(@DataSource(BridgeBeans.REPLICATION_POOL) AgroalDataSource dataSource, SourceConnections connections,
            SyncRules rules, CheckpointsTable checkpointsTable, BucketWriter writer, CheckpointNotifier notifier,
            ReplicationStatus status, ReplicationMetrics metrics, LifecycleEvents events, RelayConfig config) {
        this.dataSource = dataSource;
        this.connections = connections;
        this.rules = rules;
        this.checkpointsTable = checkpointsTable;
        this.writer = writer;
        this.notifier = notifier;
        this.status = status;
        this.metrics = metrics;
        this.events = events;
        this.config = config.replication();
    }

    void run(BooleanSupplier running) throws SQLException, InterruptedException {
        writer.ensureSchema();
        try (Connection sql = dataSource.getConnection()) {
            ReplicationSetup.checkWalLevel(sql);
            ReplicationSetup.ensurePublication(sql, config.publication(), ReplicationSetup.replicatedTables(rules, checkpointsTable));
        }
        ReplicationPosition position = writer.position();
        status.observed(position);
        notifier.publish(position.lastOpId());

        PGConnection replication = connections.openReplication();
        try {
            position = prepareSlot(replication, position);
            status.observed(position);
            stream(replication, position, running);
        } finally {
            try {
                ((Connection) replication).close();
            } catch (SQLException e) {
                LOG.debugf("Closing the replication connection: %s", e.getMessage());
            }
        }
    }

    /** Makes sure the slot exists and storage holds everything before the slot's start. */
    private ReplicationPosition prepareSlot(PGConnection replication, ReplicationPosition position) throws SQLException {
        String slotName = config.slot();
        boolean failover;
        try (Connection sql = dataSource.getConnection()) {
            failover = failoverWanted(sql);
            Optional<ReplicationSetup.Slot> slot = ReplicationSetup.slot(sql, slotName);
            if (slot.isPresent()) {
                String database = ReplicationSetup.currentDatabase(sql);
                if (!ReplicationSetup.PLUGIN.equals(slot.get().plugin()) || !database.equals(slot.get().database())) {
                    throw new PermanentReplicationException("Replication slot '" + slotName + "' belongs to database '"
                            + slot.get().database() + "' with plugin '" + slot.get().plugin() + "'; the bridge needs one for '"
                            + database + "' with pgoutput: configure another relay.replication.slot");
                }
                if (position.hasLsn()) {
                    if (failover && !slot.get().failover()) {
                        markForFailover(replication, slotName);
                    }
                    return position;
                }
                // Created by an earlier start that stopped before its snapshot was stored.
                LOG.infof("Replication slot %s exists but storage holds nothing from it: re-creating it", slotName);
                ReplicationSetup.dropSlot(sql, slotName);
            } else if (position.hasLsn()) {
                throw new PermanentReplicationException("Replication slot '" + slotName + "' is gone but storage holds data up to "
                        + position.lsn().asString() + ": changes since then cannot be replicated. Restore the slot, or drop the storage "
                        + "schema (relay.storage.schema) so the bridge re-creates the slot and re-syncs from a new snapshot");
            }
        }
        status.set(ReplicationStatus.State.SNAPSHOT, "creating slot " + slotName);
        ReplicationSlotInfo created = replication.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(slotName).withOutputPlugin(ReplicationSetup.PLUGIN).make();
        LogSequenceNumber start = created.getConsistentPoint();
        LOG.infof("Created replication slot %s at %s", slotName, start.asString());
        long checkpoint;
        if (config.initialSnapshot()) {
            status.set(ReplicationStatus.State.SNAPSHOT, "copying existing rows");
            InitialSnapshot snapshot = new InitialSnapshot(connections, rules, checkpointsTable, writer, config.maxBatchChanges());
            try {
                checkpoint = snapshot.copy(created.getSnapshotName(), start, true);
            } catch (RuntimeException e) {
                if (!BucketWriter.isDuplicateRow(e)) {
                    throw e;
                }
                LOG.info("A table without a real key holds duplicate rows: copying the snapshot again with upserts");
                checkpoint = snapshot.copy(created.getSnapshotName(), start, false);
            }
        } else {
            try (BucketBatch batch = writer.begin()) {
                checkpoint = batch.commit(start).lastOpId();
            }
        }
        notifier.publish(checkpoint);
        if (failover) {
            // Only now: the command ends the snapshot the copy read.
            markForFailover(replication, slotName);
        }
        return new ReplicationPosition(checkpoint, start);
    }

    private boolean failoverWanted(Connection sql) throws SQLException {
        if (!config.failoverSlot()) {
            return false;
        }
        if (!ReplicationSetup.hasFailoverSlots(sql)) {
            LOG.infof("PostgreSQL %s has no failover slots (17 or later): slot %s lives on this server only",
                    sql.getMetaData().getDatabaseProductVersion(), config.slot());
            return false;
        }
        return true;
    }

    private static void markForFailover(PGConnection replication, String slotName) throws SQLException {
        ReplicationSetup.markForFailover((Connection) replication, slotName);
        LOG.infof("Replication slot %s is marked for failover: standbys that synchronise slots keep it", slotName);
    }

    private void stream(PGConnection replication, ReplicationPosition position, BooleanSupplier running)
            throws SQLException, InterruptedException {
        PGReplicationStream stream = replication.getReplicationAPI().replicationStream().logical()
                .withSlotName(config.slot())
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", SourceTable.quote(config.publication()))
                // The bridge's own messages (checkpoint requests, heartbeats): see RelayMessages.
                .withSlotOption("messages", true)
                .withStartPosition(position.lsn())
                .withStatusInterval((int) config.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                // Acknowledgements are the bridge's alone: after storage commits, and when idle.
                .withAutomaticFlush(false)
                .start();
        status.set(ReplicationStatus.State.REPLICATING, "streaming from " + position.lsn().asString());
        LOG.infof("Replicating slot %s from %s (checkpoint %d)", config.slot(), position.lsn().asString(), position.lastOpId());

        heartbeatToReport = null;
        TransactionAssembler assembler = new TransactionAssembler(rules, checkpointsTable);
        ReplicationHeartbeat heartbeat = new ReplicationHeartbeat(dataSource, config.heartbeatInterval());
        List<CommittedTransaction> pending = new ArrayList<>();
        int pendingChanges = 0;
        long pendingSince = 0;
        long maxDelayNanos = config.maxBatchDelay().toNanos();
        LogSequenceNumber taken = position.lsn();
        LogSequenceNumber acknowledged = taken;
        // Storing runs beside reading: one batch in storage while the next one is read (see StorageStage).
        try (StorageStage storage = new StorageStage(this::store)) {
            while (running.getAsBoolean()) {
                LogSequenceNumber stored = storage.poll(0);
                if (stored != null) {
                    acknowledged = acknowledge(stream, stored);
                }
                ByteBuffer buffer = stream.readPending();
                if (buffer != null) {
                    heartbeat.received();
                    CommittedTransaction transaction = assembler.accept(PgOutputDecoder.decode(buffer));
                    if (transaction == null) {
                        continue;
                    }
                    if (taken != null && transaction.endLsn().compareTo(taken) <= 0) {
                        LOG.debugf("Skipping transaction ending at %s: already stored", transaction.endLsn().asString());
                        continue;
                    }
                    taken = transaction.endLsn();
                    if (transaction.heartbeat()) {
                        heartbeatToReport = taken;
                    }
                    if (pending.isEmpty()) {
                        pendingSince = System.nanoTime();
                    }
                    pending.add(transaction);
                    pendingChanges += transaction.changes().size();
                }
                // Store when nothing more is waiting, when the batch is big, or when it has waited
                // long enough while more keeps arriving; a big batch waits for the one in storage.
                boolean full = pendingChanges >= config.maxBatchChanges();
                if (!pending.isEmpty() && (buffer == null || full || System.nanoTime() - pendingSince >= maxDelayNanos)) {
                    if (storage.busy() && full) {
                        acknowledged = acknowledge(stream, storage.await());
                    }
                    if (!storage.busy()) {
                        storage.submit(pending);
                        pending.clear();
                        pendingChanges = 0;
                        continue;
                    }
                }
                if (buffer == null) {
                    if (storage.busy()) {
                        stored = storage.poll(IDLE_POLL_MILLIS);
                        if (stored != null) {
                            acknowledged = acknowledge(stream, stored);
                        }
                        continue;
                    }
                    if (pending.isEmpty() && !assembler.inTransaction()) {
                        metrics.caughtUp();
                        acknowledged = acknowledgeIdle(stream, acknowledged);
                        heartbeat.beatIfIdle();
                    }
                    Thread.sleep(IDLE_POLL_MILLIS);
                }
            }
            // Complete transactions already received: keep the work.
            LogSequenceNumber stored = storage.await();
            if (stored != null) {
                acknowledge(stream, stored);
            }
            if (!pending.isEmpty()) {
                storage.submit(pending);
                acknowledge(stream, storage.await());
            }
            stream.forceUpdateStatus();
        } finally {
            try {
                stream.close();
            } catch (SQLException e) {
                LOG.debugf("Closing the replication stream: %s", e.getMessage());
            }
        }
    }

    /**
     * Storage holds everything up to {@code stored}: only now may PostgreSQL forget it. A stored
     * heartbeat is reported at once rather than at the next status interval: it exists to release WAL.
     */
    private LogSequenceNumber acknowledge(PGReplicationStream stream, LogSequenceNumber stored) throws SQLException {
        stream.setAppliedLSN(stored);
        stream.setFlushedLSN(stored);
        if (heartbeatToReport != null && stored.compareTo(heartbeatToReport) >= 0) {
            heartbeatToReport = null;
            stream.forceUpdateStatus();
        }
        return stored;
    }

    /**
     * Stores the transactions in one storage transaction and announces the new checkpoint;
     * returns the position to acknowledge. Transactions storage already holds (a restart between
     * storage commit and acknowledgement) are skipped. Runs on the storage thread: it never
     * touches the replication stream.
     */
    private LogSequenceNumber store(List<CommittedTransaction> transactions) throws SQLException {
        try {
            return store(transactions, true);
        } catch (RuntimeException e) {
            if (!BucketWriter.isDuplicateRow(e)) {
                throw e;
            }
            // An inserted row was already stored (a table without a real key): upsert instead.
            LOG.debugf("Inserted row already stored; storing the batch again with upserts: %s", e.getMessage());
            return store(transactions, false);
        }
    }

    private LogSequenceNumber store(List<CommittedTransaction> transactions, boolean copyNewRows) throws SQLException {
        CommittedTransaction last = transactions.get(transactions.size() - 1);
        LogSequenceNumber end = last.endLsn();
        CheckpointChanges changes;
        long ops;
        int count = 0;
        List<ChangeSet> changeSets = new ArrayList<>(transactions.size());
        try (BucketBatch batch = writer.begin(copyNewRows)) {
            ReplicationPosition position = batch.startPosition();
            for (CommittedTransaction transaction : transactions) {
                if (!position.includes(transaction.endLsn())) {
                    changeSets.add(transaction.changes());
                    count++;
                }
            }
            if (changeSets.isEmpty()) {
                return position.lsn();
            }
            batch.apply(changeSets);
            changes = batch.commit(end);
            ops = batch.opsWritten();
        }
        notifier.publish(changes);
        // After the commit: the next checkpoint a stream builds can carry these write checkpoints.
        changeSets.forEach(changeSet -> changeSet.writeCheckpoints().forEach(stored ->
                events.replicated(new ClientKey(stored.userId(), stored.clientId()), stored.checkpoint())));
        metrics.stored(ops, count, last.commitTime());
        LOG.debugf("Stored %d transactions (%d ops) up to %s: %s", count, ops, end.asString(), changes);
        return end;
    }

    /**
     * With nothing pending and no transaction open, everything PostgreSQL has sent is stored, so
     * its latest position (from keepalives) can be acknowledged: an idle slot must not pin WAL.
     */
    private static LogSequenceNumber acknowledgeIdle(PGReplicationStream stream, LogSequenceNumber acknowledged) {
        LogSequenceNumber received = stream.getLastReceiveLSN();
        if (received != null && (acknowledged == null || received.compareTo(acknowledged) > 0)) {
            stream.setAppliedLSN(received);
            stream.setFlushedLSN(received);
            return received;
        }
        return acknowledged;
    }
}
