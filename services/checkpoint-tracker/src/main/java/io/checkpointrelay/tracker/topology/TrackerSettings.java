package io.checkpointrelay.tracker.topology;

import java.time.Duration;

import io.checkpointrelay.protocol.InstanceName;
import io.checkpointrelay.tracker.config.RelayConfig;

/**
 * What the topology needs to know, as plain values (tests build it without configuration).
 *
 * @param forgetAfter         a client with no event for this long is forgotten ({@code relay.tracker.forget-after})
 * @param forgetCheckInterval how often (wall clock) each stream task looks for clients to forget
 * @param forgetCheckLimit    the most clients one such look examines, so that a big store never stalls processing
 * @param instance            names this instance in the alerts it sends
 */
public record TrackerSettings(String eventsTopic, String alertsTopic, String clientsTopic, Duration stuckAfter,
        Duration checkInterval, Duration forgetAfter, Duration forgetCheckInterval, int forgetCheckLimit, String instance) {

    /** Examining 1,000 clients takes a few milliseconds; every 10 s that is over 8 million clients a day per task. */
    static final Duration FORGET_CHECK_INTERVAL = Duration.ofSeconds(10);
    static final int FORGET_CHECK_LIMIT = 1000;

    public TrackerSettings {
        if (!stuckAfter.isPositive()) {
            throw new IllegalArgumentException("relay.tracker.stuck-after must be positive, is " + stuckAfter);
        }
        if (checkInterval.toMillis() < 1) {
            throw new IllegalArgumentException("relay.tracker.check-interval must be at least 1ms, is " + checkInterval);
        }
        if (forgetAfter.compareTo(stuckAfter) <= 0) {
            throw new IllegalArgumentException(
                    "relay.tracker.forget-after must be longer than relay.tracker.stuck-after (" + stuckAfter + "), is " + forgetAfter);
        }
        if (forgetCheckInterval.toMillis() < 1 || forgetCheckLimit < 1) {
            throw new IllegalArgumentException("the forget check needs an interval of at least 1ms and a limit of at least 1, has "
                    + forgetCheckInterval + " and " + forgetCheckLimit);
        }
    }

    public static TrackerSettings of(RelayConfig.Tracker config) {
        return new TrackerSettings(config.eventsTopic(), config.alertsTopic(), config.clientsTopic(), config.stuckAfter(),
                config.checkInterval(), config.forgetAfter(), FORGET_CHECK_INTERVAL, FORGET_CHECK_LIMIT,
                "checkpoint-tracker@" + InstanceName.get());
    }
}
