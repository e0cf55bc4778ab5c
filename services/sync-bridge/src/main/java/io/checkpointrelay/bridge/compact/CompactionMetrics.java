package io.checkpointrelay.bridge.compact;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/** Compaction meters: runs by outcome, ops compacted, time taken. Created at start-up so they are exported from the start. */
@Startup
@ApplicationScoped
public class CompactionMetrics {

    private final Counter completed;
    private final Counter busy;
    private final Counter failed;
    private final Counter moved;
    private final Counter cleared;
    private final Timer duration;

    public CompactionMetrics(MeterRegistry registry) {
        this.completed = runs(registry, "completed");
        this.busy = runs(registry, "busy");
        this.failed = runs(registry, "failed");
        this.moved = ops(registry, "moved");
        this.cleared = ops(registry, "cleared");
        this.duration = Timer.builder("relay.compaction.duration").description("Time taken by completed compactions")
                .register(registry);
    }

    private static Counter runs(MeterRegistry registry, String outcome) {
        return Counter.builder("relay.compaction.runs").tag("outcome", outcome)
                .description("Compactions: completed, busy (another one was running), failed").register(registry);
    }

    private static Counter ops(MeterRegistry registry, String kind) {
        return Counter.builder("relay.compaction.ops").tag("kind", kind)
                .description("Bucket ops compacted: moved (PUT/REMOVE to MOVE), cleared (folded into a CLEAR)")
                .register(registry);
    }

    void completed(CompactionResult result) {
        completed.increment();
        moved.increment(result.opsMoved());
        cleared.increment(result.opsCleared());
        duration.record(result.duration());
    }

    void busy() {
        busy.increment();
    }

    void failed() {
        failed.increment();
    }
}
