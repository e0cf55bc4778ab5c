package io.checkpointrelay.applier.apply;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** What an operator watches: throughput, apply time, failures, and how far behind the queue the applier runs. */
@ApplicationScoped
public class ApplierMetrics {

    private final MeterRegistry registry;
    private final Timer applyTime;
    private final Timer queueToApplied;
    private final Counter batchesApplied;
    private final Counter entriesApplied;
    private final Counter checkpointsWritten;
    private final Counter retries;

    ApplierMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.applyTime = Timer.builder("relay.applier.apply")
                .description("Time to apply one batch, retries included")
                .register(registry);
        this.queueToApplied = Timer.builder("relay.applier.queue.latency")
                .description("Time from upload-api receiving a batch to its transaction committing")
                .register(registry);
        this.batchesApplied = Counter.builder("relay.applier.batches.applied")
                .description("Batches whose transaction committed").register(registry);
        this.entriesApplied = Counter.builder("relay.applier.entries.applied")
                .description("CRUD entries written by committed transactions").register(registry);
        this.checkpointsWritten = Counter.builder("relay.applier.checkpoints.written")
                .description("Checkpoint requests fulfilled by committed transactions").register(registry);
        this.retries = Counter.builder("relay.applier.retries")
                .description("Transaction attempts that failed transiently and were retried").register(registry);
    }

    void applied(int entries, boolean checkpoint, Instant receivedAt, Duration took) {
        applyTime.record(took);
        batchesApplied.increment();
        entriesApplied.increment(entries);
        if (checkpoint) {
            checkpointsWritten.increment();
        }
        if (receivedAt != null) {
            queueToApplied.record(Duration.between(receivedAt, Instant.now()));
        }
    }

    void retried() {
        retries.increment();
    }

    /** @param reason {@code permanent} or {@code transient} (retries exhausted) */
    void failed(String reason, Duration took) {
        applyTime.record(took);
        Counter.builder("relay.applier.batches.failed")
                .description("Batches that could not be applied; each stops the uploads channel")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
