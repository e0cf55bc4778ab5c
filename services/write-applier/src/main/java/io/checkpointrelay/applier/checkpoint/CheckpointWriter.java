package io.checkpointrelay.applier.checkpoint;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.common.AffectedEntities;
import org.hibernate.reactive.mutiny.Mutiny;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.smallrye.mutiny.Uni;

/**
 * Records that a client's checkpoint request is fulfilled, inside the transaction that applied
 * the writes it covers. The upsert keeps the greater id: a request id that arrives late (an
 * older request, or a redelivered record) never moves a client's checkpoint backwards.
 */
@ApplicationScoped
public class CheckpointWriter {

    private static final String UPSERT = "INSERT INTO " + Checkpoint.TABLE
            + " (user_id, client_id, checkpoint, updated_at) VALUES (?1, ?2, ?3, now())"
            + " ON CONFLICT (user_id, client_id) DO UPDATE"
            + " SET checkpoint = GREATEST(" + Checkpoint.TABLE + ".checkpoint, EXCLUDED.checkpoint), updated_at = now()";

    private static final AffectedEntities CHECKPOINTS = new AffectedEntities(Checkpoint.class);

    public Uni<Void> advance(Mutiny.Session session, ClientKey client, long checkpoint) {
        return session.createNativeQuery(UPSERT, CHECKPOINTS)
                .setParameter(1, client.userId())
                .setParameter(2, client.clientId())
                .setParameter(3, checkpoint)
                .executeUpdate()
                .replaceWithVoid();
    }
}
