package io.checkpointrelay.upload.queue;

/** Kafka did not acknowledge a batch: the client must retry it. */
public class QueueUnavailableException extends RuntimeException {

    public QueueUnavailableException(String batchId, Throwable cause) {
        super("Batch " + batchId + " was not acknowledged by Kafka: " + cause.getMessage(), cause);
    }
}
