package io.checkpointrelay.protocol;

/** Default Kafka topic names; every service lets configuration override them. */
public final class Topics {

    /** Queued client batches and checkpoint requests, keyed by {@link upload.ClientKey}. */
    public static final String UPLOADS = "relay.uploads";

    private Topics() {
    }
}
