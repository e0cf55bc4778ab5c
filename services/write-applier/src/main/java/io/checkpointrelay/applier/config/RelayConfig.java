package io.checkpointrelay.applier.config;

import java.nio.file.Path;
import java.time.Duration;

import io.checkpointrelay.protocol.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The settings of write-applier under {@code relay.*}. The Kafka consumer itself is configured
 * as the SmallRye channel {@code uploads} ({@code mp.messaging.incoming.uploads.*}), which reads
 * the topic and group id from here.
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    Schema schema();

    Uploads uploads();

    Checkpoints checkpoints();

    Apply apply();

    interface Schema {
        /**
         * {@code relay.schema.file} (env {@code RELAY_SCHEMA_FILE}): the application schema YAML
         * naming the tables and columns the applier may write; the same file upload-api validates
         * against. Required; read once at start-up.
         */
        Path file();
    }

    interface Uploads {
        /** {@code relay.uploads.topic}: the Kafka topic upload-api queues batches on. */
        @WithDefault(Topics.UPLOADS)
        String topic();

        /**
         * {@code relay.uploads.group-id}: the Kafka consumer group. Every write-applier instance
         * of one deployment shares it, so each client's partition is applied by one instance.
         */
        @WithDefault("write-applier")
        String groupId();
    }

    interface Checkpoints {
        /**
         * {@code relay.checkpoints.table}: the table checkpoint rows are written to. It is mapped
         * as a JPA entity, whose table name Quarkus fixes at build time, so the only accepted
         * value is {@code checkpoints}; the key exists so that a deployment setting it for
         * sync-bridge too fails here at start-up instead of silently writing elsewhere.
         */
        @WithDefault("checkpoints")
        String table();
    }

    interface Apply {
        Retry retry();
    }

    /**
     * How a batch whose transaction failed for a transient reason (lost connection,
     * serialization failure, deadlock) is retried: exponential backoff from
     * {@code initial-backoff} up to {@code max-backoff} between attempts, for at most
     * {@code max-duration}; after that the channel fails like on a permanent error.
     */
    interface Retry {
        /** {@code relay.apply.retry.initial-backoff}: the wait before the first retry. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** {@code relay.apply.retry.max-backoff}: the longest wait between two attempts. */
        @WithDefault("10s")
        Duration maxBackoff();

        /**
         * {@code relay.apply.retry.max-duration}: how long one batch is retried before the
         * applier gives up and fails the channel (readiness DOWN, the batch is consumed again
         * after a restart). Keep it below
         * {@code mp.messaging.incoming.uploads.throttled.unprocessed-record-max-age.ms}.
         */
        @WithDefault("5m")
        Duration maxDuration();
    }
}
