package io.checkpointrelay.events;

import io.checkpointrelay.protocol.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code relay.events.*}: where and how a service emits checkpoint-request lifecycle events. */
@ConfigMapping(prefix = "relay.events")
public interface EventsConfig {

    /** {@code relay.events.enabled}: emit lifecycle events at all. */
    @WithDefault("true")
    boolean enabled();

    /** {@code relay.events.topic}: the lifecycle event topic (must exist). */
    @WithDefault(Topics.CHECKPOINT_EVENTS)
    String topic();

    /**
     * {@code relay.events.buffer}: events held while Kafka is slow; beyond it events are dropped
     * and counted ({@code relay_events_dropped_total}), never waited for.
     */
    @WithDefault("10000")
    int buffer();
}
