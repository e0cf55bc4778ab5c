package io.checkpointrelay.bridge.stream;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Number of open sync streams.
 * Created at start-up, so the meters are exported before the first stream or transaction.
 */
@Startup
@ApplicationScoped
public class StreamMetrics {

    private final AtomicInteger open = new AtomicInteger();

    public StreamMetrics(MeterRegistry registry) {
        Gauge.builder("relay.streams.open", open, AtomicInteger::get).description("Open sync streams").register(registry);
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
