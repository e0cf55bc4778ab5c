package io.checkpointrelay.upload.config;

import java.nio.file.Path;
import java.time.Duration;

import io.checkpointrelay.protocol.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The settings of upload-api under {@code relay.*}. Token settings ({@code relay.jwt.*}) are
 * relay-http-support's {@code TokenConfig}.
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    Schema schema();

    Uploads uploads();

    Upload upload();

    CheckpointRequests checkpointRequests();

    interface Schema {
        /**
         * {@code relay.schema.file} (env {@code RELAY_SCHEMA_FILE}): the application schema YAML
         * naming the tables and columns clients may write. Required; read once at start-up.
         */
        Path file();
    }

    interface Uploads {
        /**
         * {@code relay.uploads.topic}: the Kafka topic accepted batches are queued on. The
         * outgoing channel {@code uploads} writes to it.
         */
        @WithDefault(Topics.UPLOADS)
        String topic();
    }

    interface Upload {
        /** {@code relay.upload.max-entries}: the most CRUD entries one request may carry. */
        @WithDefault("1000")
        int maxEntries();

        /**
         * {@code relay.upload.delivery-timeout}: how long a request waits for Kafka to
         * acknowledge its batch before answering 503; the producer stops retrying the record
         * within the same time. Delivery is at-least-once: a batch may still reach Kafka after
         * its request got a 503, and a client retry then queues the same batch twice.
         */
        @WithDefault("10s")
        Duration deliveryTimeout();
    }

    interface CheckpointRequests {
        /**
         * {@code relay.checkpoint-requests.retention}: how long the greatest checkpoint request id
         * of a (user, client) is kept after it was last posted (an equal or greater id refreshes
         * it; sync-bridge's {@code relay.checkpoints.retention} is the same for its own records).
         * Expired ids are deleted; a client coming back later starts again from any id. Keep it
         * well above the time a queued request takes to be applied: while one is queued, the stored
         * id is what stops a reseeded client from taking an old checkpoint for its new writes.
         */
        @WithDefault("1d")
        Duration retention();

        /** {@code relay.checkpoint-requests.cleanup-interval}: how often expired ids are deleted. */
        @WithDefault("10m")
        Duration cleanupInterval();

        /**
         * {@code relay.checkpoint-requests.cleanup-batch-size}: the most ids one delete statement
         * removes (each statement is its own short transaction).
         */
        @WithDefault("1000")
        int cleanupBatchSize();
    }
}
