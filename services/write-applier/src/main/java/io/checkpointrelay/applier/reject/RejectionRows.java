package io.checkpointrelay.applier.reject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.applier.config.RelayConfig;
import io.checkpointrelay.applier.progress.RecordPosition;
import io.checkpointrelay.protocol.schema.SqlIdentifier;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Uni;

/**
 * Writes one row per rejected batch to {@code relay.rejections.table} (default
 * {@code upload_rejections}), an application table sync rules can sync to the batch's user so
 * the app can show why a write was undone. The row id derives from the record's position, so a
 * rejection retried after a crash writes it once.
 */
@ApplicationScoped
public class RejectionRows {

    /** The columns a deployment's rejections table must have; checked at start-up. */
    public static final Set<String> COLUMNS = Set.of(
            "id", "user_id", "client_id", "batch_id", "checkpoint_request_id", "reason", "entries", "dead_letter", "rejected_at");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 2000;

    private final String insert;
    private final String groupId;

    RejectionRows(RelayConfig config) {
        this.groupId = config.uploads().groupId();
        this.insert = "INSERT INTO " + SqlIdentifier.quote(config.rejections().table())
                + " (id, user_id, client_id, batch_id, checkpoint_request_id, reason, entries, dead_letter, rejected_at)"
                + " VALUES (CAST(?1 AS uuid), ?2, ?3, ?4, CAST(?5 AS bigint), ?6, CAST(CAST(?7 AS text) AS jsonb), ?8, now())"
                + " ON CONFLICT (id) DO NOTHING";
    }

    Uni<Void> insert(Mutiny.Session session, RecordPosition position, ClientKey client, QueuedBatch batch, String reason,
            String deadLetter) {
        UUID id = UUID.nameUUIDFromBytes((groupId + " " + position).getBytes(StandardCharsets.UTF_8));
        return session.createNativeQuery(insert)
                .setParameter(1, id.toString())
                .setParameter(2, client.userId())
                .setParameter(3, client.clientId())
                .setParameter(4, batch == null ? "unreadable " + position : batch.batchId())
                .setParameter(5, batch == null ? null : batch.checkpointRequestId())
                .setParameter(6, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason)
                .setParameter(7, entries(batch))
                .setParameter(8, deadLetter)
                .executeUpdate()
                .replaceWithVoid();
    }

    private static String entries(QueuedBatch batch) {
        try {
            return JSON.writeValueAsString(batch == null ? List.of() : batch.entries());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode the entries of batch " + batch.batchId(), e);
        }
    }
}
