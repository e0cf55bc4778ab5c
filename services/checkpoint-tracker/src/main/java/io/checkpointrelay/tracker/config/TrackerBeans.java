package io.checkpointrelay.tracker.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.Topology;

import io.checkpointrelay.tracker.metrics.TrackerMetrics;
import io.checkpointrelay.tracker.topology.TrackerSettings;
import io.checkpointrelay.tracker.topology.TrackerTopology;
import io.micrometer.core.instrument.MeterRegistry;

/** The topology quarkus-kafka-streams runs, and what it needs. */
@Singleton
public class TrackerBeans {

    @Produces
    @Singleton
    TrackerMetrics metrics(MeterRegistry registry) {
        return new TrackerMetrics(registry);
    }

    @Produces
    @Singleton
    Topology topology(RelayConfig config, TrackerMetrics metrics) {
        return TrackerTopology.build(TrackerSettings.of(config.tracker()), metrics);
    }
}
