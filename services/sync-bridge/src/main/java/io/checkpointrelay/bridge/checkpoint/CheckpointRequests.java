package io.checkpointrelay.bridge.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.replication.RelayMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Managed checkpoint requests: one record per (user, client) holding the greatest request id and
 * the source position ({@code pg_current_wal_insert_lsn()}) recorded with it. The id becomes the client's
 * {@code write_checkpoint} in the first checkpoint whose stored position is at or past that
 * position. Recording a new id also writes a {@link RelayMessages#CHECKPOINT_REQUEST} message in
 * the same transaction: replication stores it past the recorded position and gives it a checkpoint
 * of its own, so the id reaches the client even when nothing else changes in the database.
 * The insert position, not the written one: under asynchronous commit a write the client made just
 * before may be committed but not yet written, and the request must still wait for it.
 * Each call is one SQL statement, so concurrent calls for one client are serialised by its row lock.
 * With {@code upload-queue} fulfilment no position is recorded and no message written: the request
 * goes through the {@link CheckpointRequestQueue} and is fulfilled by the checkpoints row.
 */
@ApplicationScoped
public class CheckpointRequests {

    /** What a posted request did. */
    public enum Outcome {
        /** Greater than the stored id (or the first): replaced it with the current position. */
        RECORDED,
        /** Equal to the stored id: only its retention was refreshed. */
        REFRESHED,
        /** Smaller than the stored id: nothing changed, the stored id is the answer. */
        STALE
    }

    /** The id to answer with (the stored one) and what happened. */
    public record Answer(long requestId, Outcome outcome) {
    }

    private final AgroalDataSource dataSource;
    private final StorageTables tables;
    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Counter legacy;
    private final CheckpointRequestQueue queue;

    public CheckpointRequests(AgroalDataSource dataSource, StorageTables tables, MeterRegistry registry,
            CheckpointRequestQueue queue) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.queue = queue;
        for (Outcome outcome : Outcome.values()) {
            requests.put(outcome, Counter.builder("relay.checkpoints.requests").tag("outcome", outcome.name().toLowerCase())
                    .description("Posted checkpoint requests by outcome").register(registry));
        }
        this.legacy = Counter.builder("relay.checkpoints.legacy").description("Write checkpoints created by GET /write-checkpoint2.json")
                .register(registry);
    }

    /**
     * {@code POST /sync/checkpoint-request}: a greater id replaces the stored one and records the
     * current position; an equal id refreshes its retention; a smaller id changes nothing. Through
     * the upload queue an equal id is queued again: the first one may not have reached the writer.
     */
    public Answer request(String userId, String clientId, long requestId)
            throws SQLException, CheckpointRequestQueue.UnavailableException {
        String table = tables.checkpointRequests();
        // now() is the transaction's start: requested_at equals it exactly when this statement recorded the id.
        String sql = "WITH r AS (INSERT INTO " + table + " AS r (user_id, client_id, request_id, lsn)"
                + " VALUES (?, ?, ?, CASE WHEN ? THEN pg_current_wal_insert_lsn() END)"
                + " ON CONFLICT (user_id, client_id) DO UPDATE SET"
                + " request_id = GREATEST(r.request_id, EXCLUDED.request_id),"
                + " lsn = CASE WHEN EXCLUDED.request_id > r.request_id THEN EXCLUDED.lsn ELSE r.lsn END,"
                + " requested_at = CASE WHEN EXCLUDED.request_id > r.request_id THEN now() ELSE r.requested_at END,"
                + " wait_reported = r.wait_reported AND EXCLUDED.request_id <= r.request_id,"
                + " touched_at = CASE WHEN EXCLUDED.request_id >= r.request_id THEN now() ELSE r.touched_at END"
                + " RETURNING r.user_id, r.client_id, r.request_id, r.requested_at = now() AS recorded)"
                + " SELECT request_id, recorded, CASE WHEN recorded AND ? THEN "
                + RelayMessages.emitCheckpointRequest("user_id", "client_id")
                + " END FROM r";
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement(sql)) {
            upsert.setString(1, userId);
            upsert.setString(2, clientId);
            upsert.setLong(3, requestId);
            upsert.setBoolean(4, !queue.enabled());
            upsert.setBoolean(5, !queue.enabled());
            Answer answer;
            try (ResultSet result = upsert.executeQuery()) {
                result.next();
                long stored = result.getLong(1);
                Outcome outcome = result.getBoolean(2) ? Outcome.RECORDED : stored > requestId ? Outcome.STALE : Outcome.REFRESHED;
                requests.get(outcome).increment();
                answer = new Answer(stored, outcome);
            }
            if (queue.enabled() && answer.outcome() != Outcome.STALE) {
                queue.send(userId, clientId, answer.requestId());
            }
            return answer;
        }
    }

    /**
     * {@code GET /write-checkpoint2.json}: a new id for (user, client), greater than its stored
     * request and its replicated checkpoints row (so the answer is not already fulfilled), recorded
     * with the current position.
     */
    public long next(String userId, String clientId) throws SQLException, CheckpointRequestQueue.UnavailableException {
        String sql = "WITH r AS (INSERT INTO " + tables.checkpointRequests() + " AS r (user_id, client_id, request_id, lsn)"
                + " VALUES (?, ?, COALESCE((SELECT checkpoint FROM " + tables.writeCheckpoints()
                + " WHERE user_id = ? AND client_id = ?), 0) + 1, CASE WHEN ? THEN pg_current_wal_insert_lsn() END)"
                + " ON CONFLICT (user_id, client_id) DO UPDATE SET"
                + " request_id = GREATEST(r.request_id + 1, EXCLUDED.request_id), lsn = EXCLUDED.lsn,"
                + " requested_at = now(), touched_at = now(), wait_reported = false"
                + " RETURNING r.user_id, r.client_id, r.request_id)"
                + " SELECT request_id, CASE WHEN ? THEN "
                + RelayMessages.emitCheckpointRequest("user_id", "client_id") + " END FROM r";
        try (Connection connection = dataSource.getConnection(); PreparedStatement upsert = connection.prepareStatement(sql)) {
            upsert.setString(1, userId);
            upsert.setString(2, clientId);
            upsert.setString(3, userId);
            upsert.setString(4, clientId);
            upsert.setBoolean(5, !queue.enabled());
            upsert.setBoolean(6, !queue.enabled());
            long id;
            try (ResultSet result = upsert.executeQuery()) {
                result.next();
                legacy.increment();
                id = result.getLong(1);
            }
            if (queue.enabled()) {
                queue.send(userId, clientId, id);
            }
            return id;
        }
    }
}
