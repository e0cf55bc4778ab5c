package io.checkpointrelay.applier.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What an operator watches: what became of each record, apply time, retries, and how far
 * behind the queue the applier runs. Alert on {@code relay_applier_records_total{outcome="rejected"}}
 * (dead letters) and on retries that keep growing (a batch waiting for a fix).
 */
@ApplicationScoped
public class ApplierMetrics {

    private final Timer applyTime;
    private final Timer queueToApplied;
    private final Map<ApplyOutcome, Counter> records = new EnumMap<>(ApplyOutcome.class);
    private final Counter entriesApplied;
    private final Counter checkpointsFulfilled;
    private final Counter transientRetries;
    private final Counter otherRetries;

    ApplierMetrics(MeterRegistry registry) {
        this.applyTime = Timer.builder("relay.applier.apply")
                .description("Time to settle one record (apply or reject), retries included")
                .register(registry);
        this.queueToApplied = Timer.builder("relay.applier.queue.latency")
                .description("Time from upload-api receiving a batch to its transaction committing")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        for (ApplyOutcome outcome : ApplyOutcome.values()) {
            records.put(outcome, Counter.builder("relay.applier.records")
                    .description("Uploads records settled, by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        this.entriesApplied = Counter.builder("relay.applier.entries.applied")
                .description("CRUD entries written by committed transactions").register(registry);
        this.checkpointsFulfilled = Counter.builder("relay.applier.checkpoints.written")
                .description("Checkpoint requests fulfilled by committed transactions, rejected batches included").register(registry);
        this.transientRetries = Counter.builder("relay.applier.retries").tag("reason", "transient")
                .description("Attempts that failed and were retried").register(registry);
        this.otherRetries = Counter.builder("relay.applier.retries").tag("reason", "other")
                .description("Attempts that failed and were retried").register(registry);
    }

    void finished(ApplyOutcome outcome, QueuedBatch batch, Duration took) {
        applyTime.record(took);
        records.get(outcome).increment();
        if (batch == null || outcome == ApplyOutcome.REDELIVERED) {
            return;
        }
        if (outcome == ApplyOutcome.APPLIED) {
            entriesApplied.increment(batch.entries().size());
        }
        if (batch.checkpointRequestId() != null) {
            checkpointsFulfilled.increment();
        }
        if (batch.receivedAt() != null) {
            queueToApplied.record(Duration.between(batch.receivedAt(), Instant.now()));
        }
    }

    /** @param knownTransient a passing condition (connection, deadlock) rather than one waiting for a fix */
    void retried(boolean knownTransient) {
        (knownTransient ? transientRetries : otherRetries).increment();
    }
}
