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

    Rejections rejections();

    DeadLetters deadLetters();

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

    interface Rejections {
        /**
         * {@code relay.rejections.table}: the application table a rejected batch is recorded in,
         * one row per batch with the reason, for sync rules to bring back to its user (see
         * {@code upload_rejections} in deploy/demo/schema.sql for the columns). Must exist.
         */
        @WithDefault("upload_rejections")
        String table();
    }

    interface DeadLetters {
        /**
         * {@code relay.dead-letters.topic}: the Kafka topic rejected records go to, with the
         * reason and the original batch (or bytes) for replay. Must exist.
         */
        @WithDefault(Topics.DEAD_LETTERS)
        String topic();
    }

    interface Apply {
        Retry retry();

        Dedup dedup();
    }

    /**
     * How long a client's applied batches are remembered, so that a client's retry of a batch
     * (same entries, op and transaction ids included) is recognised and applied once.
     */
    interface Dedup {
        /**
         * {@code relay.apply.dedup.retention}: how long an applied batch is remembered. A client
         * retrying an upload whose answer it lost later than this gets it applied again (the same
         * writes once more).
         */
        @WithDefault("P1D")
        Duration retention();

        /** {@code relay.apply.dedup.cleanup-interval}: how often expired batches are deleted. */
        @WithDefault("10m")
        Duration cleanupInterval();

        /** {@code relay.apply.dedup.cleanup-batch-size}: rows deleted per cleanup transaction. */
        @WithDefault("10000")
        int cleanupBatchSize();
    }

    /**
     * How a record whose transaction failed for any reason but a rejection (lost connection,
     * serialization failure, deadlock, a missing table, a bug) is retried: exponential backoff
     * from {@code initial-backoff} up to {@code max-backoff} between attempts, for as long as it
     * takes. Only the partitions of the consumer holding the record wait meanwhile.
     */
    interface Retry {
        /** {@code relay.apply.retry.initial-backoff}: the wait before the first retry. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** {@code relay.apply.retry.max-backoff}: the longest wait between two attempts. */
        @WithDefault("10s")
        Duration maxBackoff();
    }
}
