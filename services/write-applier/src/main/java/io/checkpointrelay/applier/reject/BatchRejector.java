package io.checkpointrelay.applier.reject;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.checkpoint.CheckpointWriter;
import io.checkpointrelay.applier.progress.ClientBatches;
import io.checkpointrelay.applier.progress.ConsumerPositions;
import io.checkpointrelay.applier.progress.RecordPosition;
import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.InstanceName;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.DeadLetter;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Uni;

/**
 * Takes a record that will never apply out of the client's way without losing it: the record
 * goes to the dead-letter topic with the reason, then one transaction moves the partition's
 * position past it, records the rejection for the user, and still fulfils the batch's
 * checkpoint request, so the client gets its checkpoint and the server's state replaces its
 * local write instead of waiting forever.
 */
@ApplicationScoped
public class BatchRejector {

    private static final Logger LOG = Logger.getLogger(BatchRejector.class);

    private final Mutiny.SessionFactory sessionFactory;
    private final DeadLetters deadLetters;
    private final RejectionRows rejections;
    private final ConsumerPositions positions;
    private final ClientBatches clientBatches;
    private final CheckpointWriter checkpoints;
    private final LifecycleEvents events;

    BatchRejector(Mutiny.SessionFactory sessionFactory, DeadLetters deadLetters, RejectionRows rejections, ConsumerPositions positions,
            ClientBatches clientBatches, CheckpointWriter checkpoints, LifecycleEvents events) {
        this.sessionFactory = sessionFactory;
        this.deadLetters = deadLetters;
        this.rejections = rejections;
        this.positions = positions;
        this.clientBatches = clientBatches;
        this.checkpoints = checkpoints;
        this.events = events;
    }

    /**
     * Rejects a record for good. Lazy and safe to retry as a whole: a record already past is
     * left alone, and a crash between the dead letter and the transaction sends the letter again
     * (same source position, for consumers of the topic to recognise), never loses it.
     *
     * @param batch    the record as a batch, or null when its bytes are not one
     * @param rawValue the record's bytes when {@code batch} is null
     * @return true when this call rejected it, false when the position was already past it
     */
    public Uni<Boolean> reject(RecordPosition position, String key, QueuedBatch batch, byte[] rawValue, String reason) {
        ClientKey client = clientOf(batch, key);
        DeadLetter letter = new DeadLetter(DeadLetter.VERSION, reason, position.topic(), position.partition(), position.offset(),
                client == null ? null : client.userId(), client == null ? null : client.clientId(),
                batch, batch == null ? rawValue : null, Instant.now(), InstanceName.get());
        return sessionFactory.withSession(session -> positions.isPast(session, position))
                .chain(past -> past ? Uni.createFrom().item(false) : sendAndRecord(position, key, client, batch, reason, letter));
    }

    private Uni<Boolean> sendAndRecord(RecordPosition position, String key, ClientKey client, QueuedBatch batch, String reason,
            DeadLetter letter) {
        return deadLetters.send(key, letter)
                .chain(deadLetter -> sessionFactory.withTransaction(session -> positions.claim(session, position)
                                .chain(claimed -> claimed
                                        ? record(session, position, client, batch, reason, deadLetter).replaceWith(true)
                                        : Uni.createFrom().item(false)))
                        .invoke(rejected -> {
                            if (!rejected) {
                                return;
                            }
                            LOG.warnf("Rejected %s (batch %s of user %s client %s, checkpoint %s) to %s: %s",
                                    position, batch == null ? "unreadable" : batch.batchId(), client == null ? "?" : client.userId(),
                                    client == null ? "?" : client.clientId(), batch == null ? null : batch.checkpointRequestId(),
                                    deadLetter, reason);
                            if (client != null && batch != null && batch.checkpointRequestId() != null) {
                                events.rejected(client, batch.checkpointRequestId(), reason, deadLetter);
                            }
                        }));
    }

    private Uni<Void> record(Mutiny.Session session, RecordPosition position, ClientKey client, QueuedBatch batch, String reason,
            String deadLetter) {
        if (client == null) {
            // Not even the key names a client: the dead letter is all there is to keep.
            return Uni.createFrom().voidItem();
        }
        Uni<Void> remembered = batch == null ? Uni.createFrom().voidItem() : clientBatches.firstTime(session, batch).replaceWithVoid();
        return remembered
                .chain(() -> rejections.insert(session, position, client, batch, reason, deadLetter))
                .chain(() -> batch == null || batch.checkpointRequestId() == null
                        ? Uni.createFrom().voidItem()
                        : checkpoints.advance(session, client, batch.checkpointRequestId()));
    }

    /** The batch's own client when it names one, else the one its Kafka key names, else null. */
    private static ClientKey clientOf(QueuedBatch batch, String key) {
        if (batch != null && batch.userId() != null && batch.clientId() != null) {
            return batch.clientKey();
        }
        try {
            return key == null ? null : ClientKey.fromKafkaKey(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
