package io.checkpointrelay.applier.apply;

import java.time.Duration;
import java.util.concurrent.Executor;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.config.RelayConfig;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Consumes the uploads topic one record at a time (a Uni-returning method is invoked for the
 * next record only once the previous one completed), so each client's batches are applied in
 * the order upload-api queued them. The record is acknowledged, and its offset committed, only
 * after its transaction committed.
 *
 * <p>A transient failure is retried with exponential backoff; a permanent one, or a transient
 * one outlasting the retry budget, fails the Uni: the channel's {@code failure-strategy=fail}
 * then stops consumption without committing the offset, readiness turns DOWN, and the batch is
 * consumed again after a restart. Nothing is skipped silently: a batch the database refuses
 * keeps the channel stopped until an operator deals with it.
 */
@ApplicationScoped
public class BatchConsumer {

    private static final Logger LOG = Logger.getLogger(BatchConsumer.class);

    private final BatchApplier applier;
    private final ApplierMetrics metrics;
    private final RelayConfig.Retry retry;

    BatchConsumer(BatchApplier applier, ApplierMetrics metrics, RelayConfig config) {
        this.applier = applier;
        this.metrics = metrics;
        this.retry = config.apply().retry();
    }

    @Incoming("uploads")
    public Uni<Void> consume(QueuedBatch batch) {
        if (batch == null) {
            // upload-api never sends tombstones; one here is as foreign as unreadable bytes.
            LOG.error("A record of the uploads topic has no value. Stopping the uploads channel without committing its offset");
            return Uni.createFrom().failure(new PermanentApplyFailure("record without a value"));
        }
        long started = System.nanoTime();
        return applier.apply(batch)
                // Hibernate Reactive must run on the record's Vert.x context; a retry fires from
                // Mutiny's timer thread, so every attempt is moved back onto it.
                .runSubscriptionOn(onCurrentContext())
                .onFailure(Failures::isTransient).invoke(failure -> {
                    metrics.retried();
                    LOG.warnf("Batch %s of user %s client %s failed transiently, retrying: %s",
                            batch.batchId(), batch.userId(), batch.clientId(), Failures.describe(failure));
                })
                .onFailure(Failures::isTransient).retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff())
                .expireIn(retry.maxDuration().toMillis())
                .invoke(entries -> {
                    metrics.applied(entries, batch.checkpointRequestId() != null, batch.receivedAt(), since(started));
                    LOG.debugf("Applied batch %s of user %s client %s: %d entries, checkpoint %s",
                            batch.batchId(), batch.userId(), batch.clientId(), entries, batch.checkpointRequestId());
                })
                .onFailure().invoke(failure -> {
                    boolean exhausted = Failures.isTransient(failure);
                    metrics.failed(exhausted ? "transient" : "permanent", since(started));
                    // The database's refusal says it all; anything else may be a bug, so keep its stack.
                    Throwable stack = Failures.sqlStateOf(failure).isPresent() ? null : failure;
                    LOG.errorf(stack, "Batch %s of user %s client %s (%d entries, checkpoint %s) cannot be applied%s: %s."
                            + " Stopping the uploads channel without committing its offset; it is consumed again after a restart",
                            batch.batchId(), batch.userId(), batch.clientId(), batch.entries().size(),
                            batch.checkpointRequestId(), exhausted ? " within " + retry.maxDuration() : "",
                            Failures.describe(failure));
                })
                .replaceWithVoid();
    }

    private static Executor onCurrentContext() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
