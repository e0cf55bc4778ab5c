package io.checkpointrelay.bridge.stream;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Number of open sync streams, and how often announced checkpoints woke a stream (each wake-up
 * reads the checkpoint from storage) or were skipped because they concerned none of its buckets.
 * Created at start-up, so the meters are exported before the first stream or transaction.
 */
@Startup
@ApplicationScoped
public class StreamMetrics {

    private final AtomicInteger open = new AtomicInteger();
    private final Counter wakeups;
    private final Counter skipped;

    public StreamMetrics(MeterRegistry registry) {
        Gauge.builder("relay.streams.open", open, AtomicInteger::get).description("Open sync streams").register(registry);
        wakeups = Counter.builder("relay.streams.wakeups")
                .description("Checkpoints a stream read from storage (its first, and announced ones that concerned it)").register(registry);
        skipped = Counter.builder("relay.streams.wakeups.skipped")
                .description("Announced checkpoints a stream ignored: none of its buckets, nor its write checkpoint, changed")
                .register(registry);
    }

    void woken() {
        wakeups.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }
}
