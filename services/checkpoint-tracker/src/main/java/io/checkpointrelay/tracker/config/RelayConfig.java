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

        /**
         * {@code relay.tracker.forget-after}: a client with no event for this long (by the times
         * the events carry) is forgotten, so that the state does not grow with every client ever
         * seen: it leaves the stores, and a tombstone on the clients topic removes it from every
         * instance's global store (queries answer 404) and, once compacted, from the topic. A
         * forgotten client that comes back starts fresh, like a new client, whatever its request
         * id. A stuck client is forgotten too, without a {@code recovered} alert: it leaves the
         * stuck list and is counted in {@code relay_tracker_forgotten_clients_total{stuck="true"}}.
         * An event older than this for a client the tracker does not hold is skipped (a late or
         * replayed event must not bring a forgotten client back with a wait that ended long ago).
         *
         * <p>Keep it well above upload-api's {@code relay.checkpoint-requests.retention} (1 day):
         * as long as upload-api holds a client's greatest request id, the client can still post
         * or re-post requests that only make sense against that id, and the tracker must still
         * hold the client's latest request to read them. A client that comes back after
         * upload-api dropped its id and posts a smaller one is then seen as restarting its counter
         * (counted) rather than as a new client; a stuck client that comes back, re-posts and gets
         * its request delivered gets its {@code recovered} alert instead of silently starting a
         * new wait. A week also keeps a client that went away while stuck in
         * {@code GET /clients/stuck} long enough for an operator to see it, a weekend included.
         * Must be longer than {@code stuck-after}.
         */
        @WithDefault("7d")
        Duration forgetAfter();
    }
}
