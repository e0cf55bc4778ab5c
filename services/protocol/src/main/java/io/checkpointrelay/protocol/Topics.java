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

    private Topics() {
    }
}
