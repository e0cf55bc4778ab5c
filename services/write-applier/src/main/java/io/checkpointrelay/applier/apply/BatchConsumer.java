package io.checkpointrelay.applier.apply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.config.RelayConfig;
import io.checkpointrelay.applier.progress.RecordPosition;
import io.checkpointrelay.applier.reject.BatchRejector;
import io.checkpointrelay.events.LifecycleEvents;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;

/**
 * Consumes the uploads topic one record at a time per consumer (a Uni-returning method is
 * invoked for the next record only once the previous one completed), so each client's batches
 * are applied in the order upload-api queued them. With {@code concurrency} consumers in one
 * instance, and instances in one group, partitions are applied side by side.
 *
 * <p>Each record ends in exactly one of the {@link ApplyOutcome}s. A record that can never
 * apply is rejected by {@link BatchRejector}; any other failure (database down, deadlock, a
 * missing table, a bug) is retried with backoff until it succeeds, holding back only the
 * partitions of this consumer: the record stays in order and nothing is skipped. The Kafka
 * offset is committed after the database transaction; the database's own position decides what
 * is applied.
 */
@ApplicationScoped
public class BatchConsumer {

    private static final Logger LOG = Logger.getLogger(BatchConsumer.class);

    private final BatchApplier applier;
    private final BatchRejector rejector;
    private final ApplierMetrics metrics;
    private final LifecycleEvents events;
    private final RelayConfig.Retry retry;

    BatchConsumer(BatchApplier applier, BatchRejector rejector, ApplierMetrics metrics, LifecycleEvents events, RelayConfig config) {
        this.applier = applier;
        this.rejector = rejector;
        this.metrics = metrics;
        this.events = events;
        this.retry = config.apply().retry();
    }

    @Incoming("uploads")
    public Uni<Void> consume(ConsumerRecord<String, QueuedBatch> record) {
        long started = System.nanoTime();
        RecordPosition position = RecordPosition.of(record);
        QueuedBatch batch = record.value();
        Uni<ApplyOutcome> outcome = batch == null ? rejectUnreadable(record, position) : applyOrReject(record, position, batch);
        return outcome
                // Hibernate Reactive must run on the record's Vert.x context; a retry fires from
                // Mutiny's timer thread, so every attempt is moved back onto it.
                .runSubscriptionOn(VertxContexts.current())
                .onFailure().invoke(failure -> {
                    metrics.retried(Failures.isTransient(failure));
                    // A known passing condition needs no stack; anything else may be a bug.
                    LOG.warnf(Failures.isTransient(failure) ? null : failure, "%s (%s) failed, retrying: %s",
                            position, describe(batch), Failures.describe(failure));
                })
                .onFailure().retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely()
                .invoke(result -> {
                    metrics.finished(result, batch, Duration.ofNanos(System.nanoTime() - started));
                    if ((result == ApplyOutcome.APPLIED || result == ApplyOutcome.CLIENT_RETRY) && batch.checkpointRequestId() != null) {
                        events.applied(batch.clientKey(), batch.checkpointRequestId());
                    }
                    LOG.debugf("%s (%s): %s", position, describe(batch), result);
                })
                .replaceWithVoid();
    }

    private Uni<ApplyOutcome> applyOrReject(ConsumerRecord<String, QueuedBatch> record, RecordPosition position, QueuedBatch batch) {
        return applier.apply(batch, position)
                .onFailure(Failures::rejects).recoverWithUni(failure -> rejector
                        .reject(position, record.key(), batch, null, Failures.describe(failure))
                        .map(rejected -> rejected ? ApplyOutcome.REJECTED : ApplyOutcome.REDELIVERED));
    }

    private Uni<ApplyOutcome> rejectUnreadable(ConsumerRecord<String, QueuedBatch> record, RecordPosition position) {
        // The connector hands over what the deserializer refused, with why, in headers.
        byte[] bytes = header(record, DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA);
        byte[] why = header(record, DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
        String reason = bytes == null && why == null
                ? "the record has no value"
                : "the record is not a queued batch: " + (why == null ? "unknown reason" : new String(why, StandardCharsets.UTF_8));
        return rejector.reject(position, record.key(), null, bytes, reason)
                .map(rejected -> rejected ? ApplyOutcome.REJECTED : ApplyOutcome.REDELIVERED);
    }

    private static byte[] header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : header.value();
    }

    private static String describe(QueuedBatch batch) {
        return batch == null
                ? "unreadable record"
                : "batch " + batch.batchId() + " of user " + batch.userId() + " client " + batch.clientId() + ", "
                        + batch.entries().size() + " entries, checkpoint " + batch.checkpointRequestId();
    }
}
