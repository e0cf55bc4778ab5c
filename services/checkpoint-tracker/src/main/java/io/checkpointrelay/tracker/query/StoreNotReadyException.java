package io.checkpointrelay.tracker.query;

import org.apache.kafka.streams.KafkaStreams;

/** The client states cannot be read yet: Kafka Streams is starting, restoring or stopped. */
public class StoreNotReadyException extends RuntimeException {

    public StoreNotReadyException(KafkaStreams.State state, Throwable cause) {
        super("Client states are not available yet (Kafka Streams is " + state + "); try again shortly", cause);
    }
}
