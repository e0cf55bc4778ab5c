package io.checkpointrelay.bridge.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of sync-bridge, all under {@code relay.*} (environment: {@code RELAY_...}). */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /** Which rows go to which buckets. */
    SyncRulesFile syncRules();

    /** Logical replication from the source database. */
    Replication replication();

    /** Where bucket operations are stored. */
    Storage storage();

    /** The table the backend fulfils checkpoint requests in. */
    Checkpoints checkpoints();

    /** The client stream. */
    Stream stream();

    interface SyncRulesFile {
        /** Path of the sync rules YAML ({@code bucket_definitions}); read once at start-up. */
        Path file();
    }

    interface Replication {
        /** Name of the logical replication slot (plugin pgoutput) the bridge creates and reads. */
        @WithDefault("relay_bridge")
        String slot();

        /** Name of the publication the bridge creates for the synced tables and the checkpoints table. */
        @WithDefault("relay_bridge")
        String publication();

        /** First delay before reconnecting after a lost connection; doubles up to {@link #maxRetryDelay()}. */
        @WithDefault("1s")
        Duration retryDelay();

        /** Longest delay between reconnection attempts. */
        @WithDefault("30s")
        Duration maxRetryDelay();

        /** How often the bridge reports its flushed position to PostgreSQL when nothing else prompts it. */
        @WithDefault("10s")
        Duration statusInterval();

        /**
         * Row changes of several source transactions are stored together in one storage transaction
         * (whole transactions only) until about this many changes are pending.
         */
        @WithDefault("20000")
        int maxBatchChanges();

        /**
         * Longest time committed source transactions wait for more to join their storage
         * transaction while changes keep arriving (with a quiet source they are stored at once).
         */
        @WithDefault("200ms")
        Duration maxBatchDelay();

        /**
         * Copy the rows that exist when the slot is created (initial snapshot), so buckets start
         * complete. Without it only changes made after the slot's creation are synced.
         */
        @WithDefault("true")
        boolean initialSnapshot();
    }

    interface Storage {
        /** PostgreSQL schema (in the source database) holding bucket data, created if missing. */
        @WithDefault("relay_sync")
        String schema();
    }

    interface Checkpoints {
        /**
         * Table with rows {@code (user_id, client_id, checkpoint)}; a replicated row becomes the
         * {@code write_checkpoint} of that user's client. May be schema-qualified.
         */
        @WithDefault("checkpoints")
        String table();
    }

    interface Stream {
        /** Interval of {@code token_expires_in} keep-alive lines. */
        @WithDefault("20s")
        Duration keepaliveInterval();

        /** Most operations in one {@code data} line. */
        @WithDefault("1000")
        int maxOpsPerLine();

        /** A {@code data} line is closed once its operations' data reach about this many characters. */
        @WithDefault("1000000")
        int maxLineChars();

        /**
         * Compress streams for clients that accept gzip or deflate ({@code Accept-Encoding}). Each
         * line is flushed through the compressor, so no line waits for the next. Turn it off when
         * clients are on the same host, or a proxy in front compresses.
         */
        @WithDefault("true")
        boolean compress();

        /**
         * How often a bridge that is not replicating itself (another instance holds the slot) looks
         * for new checkpoints in storage for its streams.
         */
        @WithDefault("1s")
        Duration checkpointPollInterval();
    }
}
