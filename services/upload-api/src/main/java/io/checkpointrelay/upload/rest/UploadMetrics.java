package io.checkpointrelay.upload.rest;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What operators watch besides the HTTP server metrics: how many upload requests were queued,
 * refused as invalid or failed on Kafka, and how many entries were queued.
 */
@Singleton
public class UploadMetrics {

    private final Counter accepted;
    private final Counter rejected;
    private final Counter unavailable;
    private final Counter entries;

    public UploadMetrics(MeterRegistry registry) {
        this.accepted = requests(registry, "accepted");
        this.rejected = requests(registry, "rejected");
        this.unavailable = requests(registry, "queue_unavailable");
        this.entries = Counter.builder("relay.upload.entries")
                .description("CRUD entries queued on Kafka")
                .register(registry);
    }

    private static Counter requests(MeterRegistry registry, String outcome) {
        return Counter.builder("relay.upload.requests")
                .description("Upload requests by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    void accepted(int entryCount) {
        accepted.increment();
        entries.increment(entryCount);
    }

    void rejected() {
        rejected.increment();
    }

    void unavailable() {
        unavailable.increment();
    }
}
