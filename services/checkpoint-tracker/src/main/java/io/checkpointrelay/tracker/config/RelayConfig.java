package io.checkpointrelay.tracker.config;

import java.time.Duration;

import io.checkpointrelay.protocol.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of checkpoint-tracker under {@code relay.*} (environment {@code RELAY_...}). Token
 * settings ({@code relay.jwt.*}) are relay-http-support's {@code TokenConfig}; Kafka Streams
 * settings are {@code kafka-streams.*} and {@code quarkus.kafka-streams.*}.
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    Tracker tracker();

    interface Tracker {
        /**
         * {@code relay.tracker.events-topic}: the lifecycle events the tracker folds, keyed by
         * {@code ["user","client"]}. Created by the deployment.
         */
        @WithDefault(Topics.CHECKPOINT_EVENTS)
        String eventsTopic();

        /** {@code relay.tracker.alerts-topic}: where {@code stuck} and {@code recovered} alerts go. Created by the deployment. */
        @WithDefault(Topics.CHECKPOINT_ALERTS)
        String alertsTopic();

        /**
         * {@code relay.tracker.clients-topic}: the folded state of every client, one record per
         * change, read back by every tracker instance into its global store so that any instance
         * answers queries for any client. Created by the deployment, compacted
         * ({@code cleanup.policy=compact}).
         */
        @WithDefault(Topics.TRACKER_CLIENTS)
        String clientsTopic();

        /**
         * {@code relay.tracker.stuck-after}: a client whose latest checkpoint request is not
         * delivered this long after it started waiting is stuck: a {@code stuck} alert names the
         * stage it waits in. Also the default {@code older_than} of {@code GET /clients/stuck}.
         */
        @WithDefault("10s")
        Duration stuckAfter();

        /**
         * {@code relay.tracker.check-interval}: how often (wall clock) each stream task looks for
         * clients that became stuck. A stuck alert comes at most this much after the threshold.
         */
        @WithDefault("1s")
        Duration checkInterval();
    }
}
