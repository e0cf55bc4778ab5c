package io.checkpointrelay.upload.checkpoint;

/** The database holding the checkpoint request ids did not answer: the client must retry. */
public class CheckpointStoreUnavailableException extends RuntimeException {

    public CheckpointStoreUnavailableException(Throwable cause) {
        super("The checkpoint request store is unavailable: " + cause.getMessage(), cause);
    }
}
