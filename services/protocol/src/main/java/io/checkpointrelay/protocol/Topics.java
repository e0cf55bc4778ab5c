package io.checkpointrelay.protocol;

/** Default Kafka topic names; every service lets configuration override them. */
public final class Topics {

    /** Queued client batches and checkpoint requests, keyed by {@link upload.ClientKey}. */
    public static final String UPLOADS = "relay.uploads";

    /**
     * Batches write-applier rejected for good (the database refused them, a table handler
     * rejected them, or the record was unreadable), with the reason; same key as the uploads.
     */
    public static final String DEAD_LETTERS = "relay.uploads.dead-letters";

    /**
     * The life of every checkpoint request ({@link lifecycle.CheckpointEvent}): requested,
     * applied or rejected, replicated, delivered; keyed by {@link upload.ClientKey}.
     */
    public static final String CHECKPOINT_EVENTS = "relay.checkpoint-events";

    /** checkpoint-tracker's verdicts ({@link lifecycle.ClientAlert}): a client stuck, then recovered. */
    public static final String CHECKPOINT_ALERTS = "relay.checkpoint-alerts";

    /** checkpoint-tracker's folded state of every client (compacted), read by every tracker instance. */
    public static final String TRACKER_CLIENTS = "relay.checkpoint-tracker.clients";

    private Topics() {
    }
}
