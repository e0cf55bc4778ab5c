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

    /** Write checkpoints: the table the backend fulfils checkpoint requests in, retention, waiting clients. */
    Checkpoints checkpoints();

    /** The client stream. */
    Stream stream();

    /** Compaction of bucket storage. */
    Compact compact();

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

        /**
         * How often a standby bridge (another one replicates the slot) tries to take over: bounds how
         * long replication pauses after the replicating bridge dies.
         */
        @WithDefault("2s")
        Duration standbyCheckInterval();

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

        /**
         * Mark the slot for failover (PostgreSQL 17 or later): standbys that synchronise logical
         * slots keep a copy, so a promoted standby still has it and the bridge resumes instead of
         * re-syncing. Ignored, with a log line, on older servers.
         */
        @WithDefault("true")
        boolean failoverSlot();

        /**
         * When nothing arrived from the source for this long, the bridge writes a heartbeat message
         * into the WAL, stores the position it arrives at and reports it at once, so the slot stops
         * holding WAL even when only unpublished tables (or nothing the bridge reads) change.
         */
        @WithDefault("30s")
        Duration heartbeatInterval();

        /** How often the slot's lag (WAL bytes PostgreSQL keeps for it) is measured for metrics and health. */
        @WithDefault("10s")
        Duration slotCheckInterval();
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

        /**
         * How long a write checkpoint (a replicated checkpoints row, a checkpoint request or a
         * legacy write checkpoint) is kept after it was last touched (row updated, request posted
         * again). Expired ones are deleted; a client that comes back later requests a new one.
         */
        @WithDefault("1d")
        Duration retention();

        /** How often expired write checkpoints are deleted. */
        @WithDefault("10m")
        Duration cleanupInterval();

        /** Most write checkpoints one cleanup statement deletes (each batch is its own short transaction). */
        @WithDefault("1000")
        int cleanupBatchSize();

        /**
         * A client waiting longer than this for a requested checkpoint is logged (once per request)
         * and counted in the {@code relay.checkpoints.stuck} and {@code relay.checkpoints.waiting} metrics.
         */
        @WithDefault("10s")
        Duration stuckAfter();

        /** How often waiting clients are looked for (at least 1s: the scheduler runs nothing more often). */
        @WithDefault("5s")
        Duration stuckCheckInterval();

        /**
         * How managed requests ({@code /write-checkpoint2.json}, {@code /sync/checkpoint-request})
         * are fulfilled: {@code position} when clients' writes reach PostgreSQL directly (the id is
         * delivered once replication passed the source position recorded with it), or
         * {@code upload-queue} when they go through upload-api and Kafka (the request is queued
         * behind the client's uploads and fulfilled by the checkpoints row the write-applier writes).
         */
        @WithDefault("position")
        ManagedFulfilment managedFulfilment();

        /** The upload queue's topic, for {@code upload-queue} fulfilment (brokers: {@code kafka.bootstrap.servers}). */
        @WithDefault("relay.uploads")
        String uploadsTopic();

        /** How long a request waits for Kafka's acknowledgement before answering 503 ({@code upload-queue}). */
        @WithDefault("10s")
        Duration queueTimeout();
    }

    /** See {@link Checkpoints#managedFulfilment()}. */
    enum ManagedFulfilment {
        POSITION,
        UPLOAD_QUEUE
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
         * How often a bridge that is not replicating looks for new checkpoints in storage while it
         * cannot LISTEN for storage commits (normally notices announce them), and for the first
         * stored position before it serves streams.
         */
        @WithDefault("1s")
        Duration checkpointPollInterval();
    }

    interface Compact {
        /**
         * How often the bridge compacts bucket storage (superseded ops become MOVE, the start of a
         * bucket one CLEAR), e.g. {@code 1h} or {@code 30m}; {@code off} turns the schedule off
         * ({@code POST /admin/compact} still works). With several bridges one compacts at a time.
         */
        @WithDefault("1h")
        String interval();

        /** Time after start-up before the first scheduled compaction. */
        @WithDefault("5m")
        Duration initialDelay();

        /** Most ops compaction reads per query and changes per transaction. */
        @WithDefault("5000")
        int batchSize();

        /**
         * Most objects of one bucket compaction remembers (about 90 bytes each) while looking for
         * superseded ops; older ops of further objects of a bigger bucket stay as they are.
         */
        @WithDefault("500000")
        int maxTrackedRows();
    }
}
