package io.checkpointrelay.tracker.topology;

import java.time.Duration;

import io.checkpointrelay.protocol.InstanceName;
import io.checkpointrelay.tracker.config.RelayConfig;

/**
 * What the topology needs to know, as plain values (tests build it without configuration).
 *
 * @param instance names this instance in the alerts it sends
 */
public record TrackerSettings(String eventsTopic, String alertsTopic, String clientsTopic, Duration stuckAfter,
        Duration checkInterval, String instance) {

    public TrackerSettings {
        if (!stuckAfter.isPositive()) {
            throw new IllegalArgumentException("relay.tracker.stuck-after must be positive, is " + stuckAfter);
        }
        if (checkInterval.toMillis() < 1) {
            throw new IllegalArgumentException("relay.tracker.check-interval must be at least 1ms, is " + checkInterval);
        }
    }

    public static TrackerSettings of(RelayConfig.Tracker config) {
        return new TrackerSettings(config.eventsTopic(), config.alertsTopic(), config.clientsTopic(), config.stuckAfter(),
                config.checkInterval(), "checkpoint-tracker@" + InstanceName.get());
    }
}
