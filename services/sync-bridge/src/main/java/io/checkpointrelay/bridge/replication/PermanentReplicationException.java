package io.checkpointrelay.bridge.replication;

/** A replication failure retrying cannot fix (an operator must act); the message says what to do. */
public class PermanentReplicationException extends RuntimeException {

    public PermanentReplicationException(String message) {
        super(message);
    }

    public PermanentReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
