package io.checkpointrelay.applier.progress;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.applier.config.RelayConfig;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The batches each client had applied within {@code relay.apply.dedup.retention}, to recognise
 * a client's retry of a batch it already uploaded (its answer was lost, so it sent the same
 * entries again, maybe to another upload-api instance): same user, client and entries, op and
 * transaction ids included. Such a retry is applied once. A batch is identified by a digest of
 * its entries, because upload-api gives each upload its own batch id.
 */
@ApplicationScoped
public class ClientBatches {

    private static final Logger LOG = Logger.getLogger(ClientBatches.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String RECORD = "INSERT INTO " + ProgressTables.CLIENT_BATCHES
            + " (user_id, client_id, batch_key, batch_id) VALUES (?1, ?2, ?3, ?4)"
            + " ON CONFLICT (user_id, client_id, batch_key) DO NOTHING RETURNING 1";

    private static final String EXPIRE = "DELETE FROM " + ProgressTables.CLIENT_BATCHES + " WHERE ctid IN (SELECT ctid FROM "
            + ProgressTables.CLIENT_BATCHES + " WHERE applied_at < now() - make_interval(secs => ?1) LIMIT ?2)";

    private final Mutiny.SessionFactory sessionFactory;
    private final Duration retention;
    private final int cleanupBatchSize;
    private final Counter expired;

    ClientBatches(Mutiny.SessionFactory sessionFactory, RelayConfig config, MeterRegistry registry) {
        this.sessionFactory = sessionFactory;
        this.retention = config.apply().dedup().retention();
        this.cleanupBatchSize = config.apply().dedup().cleanupBatchSize();
        this.expired = Counter.builder("relay.applier.dedup.expired")
                .description("Remembered client batches deleted after relay.apply.dedup.retention").register(registry);
    }

    /**
     * Remembers the batch in the caller's transaction.
     *
     * @return false when the client had this batch applied before; a bare checkpoint request
     *         (no entries) is never a duplicate, since fulfilling it twice changes nothing
     */
    public Uni<Boolean> firstTime(Mutiny.Session session, QueuedBatch batch) {
        if (batch.entries().isEmpty()) {
            return Uni.createFrom().item(true);
        }
        return session.createNativeQuery(RECORD)
                .setParameter(1, batch.userId())
                .setParameter(2, batch.clientId())
                .setParameter(3, key(batch))
                .setParameter(4, batch.batchId())
                .getResultList()
                .map(rows -> !rows.isEmpty());
    }

    /** A digest of the entries exactly as the client uploaded them, ids included. */
    static String key(QueuedBatch batch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(batch.entries()));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot digest batch " + batch.batchId(), e);
        }
    }

    @Scheduled(every = "${relay.apply.dedup.cleanup-interval}", delayed = "${relay.apply.dedup.cleanup-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledCleanup() {
        return deleteExpired()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Cannot delete expired client batches (retrying at the next cleanup): %s", failure.getMessage());
                    return 0;
                })
                .replaceWithVoid();
    }

    /** Deletes, in bounded transactions, every remembered batch older than the retention; returns how many. */
    public Uni<Integer> deleteExpired() {
        return sessionFactory.withTransaction(session -> session.createNativeQuery(EXPIRE)
                        .setParameter(1, retention.toMillis() / 1000.0)
                        .setParameter(2, cleanupBatchSize)
                        .executeUpdate())
                .invoke(deleted -> expired.increment(deleted))
                .chain(deleted -> deleted < cleanupBatchSize
                        ? Uni.createFrom().item(deleted)
                        : deleteExpired().map(more -> deleted + more));
    }
}
