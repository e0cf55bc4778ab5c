package io.checkpointrelay.applier.apply;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.checkpointrelay.applier.checkpoint.CheckpointWriter;
import io.checkpointrelay.applier.progress.ClientBatches;
import io.checkpointrelay.applier.progress.ConsumerPositions;
import io.checkpointrelay.applier.progress.RecordPosition;
import io.checkpointrelay.applier.write.WriteRejectedException;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Applies one uploads record in one database transaction: it claims the record's position in
 * its partition, remembers the batch for the client, writes the entries in client order, and
 * writes the checkpoint row when the batch carries a checkpoint request. Either all of it
 * commits or none of it does, so a record is applied exactly once and a checkpoint never covers
 * writes that are not there.
 */
@ApplicationScoped
public class BatchApplier {

    private final Mutiny.SessionFactory sessionFactory;
    private final ConsumerPositions positions;
    private final ClientBatches clientBatches;
    private final TableWrites writes;
    private final CheckpointWriter checkpoints;

    BatchApplier(Mutiny.SessionFactory sessionFactory, ConsumerPositions positions, ClientBatches clientBatches, TableWrites writes,
            CheckpointWriter checkpoints) {
        this.sessionFactory = sessionFactory;
        this.positions = positions;
        this.clientBatches = clientBatches;
        this.writes = writes;
        this.checkpoints = checkpoints;
    }

    /**
     * Runs the record's transaction; the returned Uni is lazy and starts a fresh transaction on
     * every subscription, so it may be retried as a whole.
     *
     * @return {@link ApplyOutcome#APPLIED}, {@link ApplyOutcome#CLIENT_RETRY} or {@link ApplyOutcome#REDELIVERED}
     * @throws WriteRejectedException (as the Uni's failure) when an entry can never be written
     */
    public Uni<ApplyOutcome> apply(QueuedBatch batch, RecordPosition position) {
        return Uni.createFrom().deferred(() -> {
            if (batch.userId() == null || batch.clientId() == null) {
                return Uni.createFrom().failure(new WriteRejectedException("the batch names no user_id or client_id"));
            }
            return sessionFactory.withTransaction(session -> positions.claim(session, position)
                    .chain(claimed -> claimed ? applyClaimed(session, batch) : Uni.createFrom().item(ApplyOutcome.REDELIVERED)));
        });
    }

    private Uni<ApplyOutcome> applyClaimed(Mutiny.Session session, QueuedBatch batch) {
        return clientBatches.firstTime(session, batch)
                .chain(first -> first ? writeEntries(session, batch).replaceWith(ApplyOutcome.APPLIED)
                        : Uni.createFrom().item(ApplyOutcome.CLIENT_RETRY))
                .call(() -> batch.checkpointRequestId() == null
                        ? Uni.createFrom().voidItem()
                        : checkpoints.advance(session, batch.clientKey(), batch.checkpointRequestId()));
    }

    private Uni<Void> writeEntries(Mutiny.Session session, QueuedBatch batch) {
        return Multi.createFrom().range(0, batch.entries().size())
                .onItem().transformToUniAndConcatenate(i -> Uni.createFrom()
                        .deferred(() -> writes.write(session, batch.clientKey(), batch.entries().get(i)))
                        .onFailure().transform(failure -> new EntryFailure(describe(batch, i), failure)))
                .collect().last()
                .replaceWithVoid();
    }

    private static String describe(QueuedBatch batch, int index) {
        var entry = batch.entries().get(index);
        return "entry " + index + " (" + entry.op() + " " + entry.type() + " " + entry.id() + ")";
    }
}
