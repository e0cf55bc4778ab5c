package io.checkpointrelay.upload.batch;

/** The database did not answer whether the batch's rows belong to the writer: the client must retry. */
public class OwnershipCheckUnavailableException extends RuntimeException {

    public OwnershipCheckUnavailableException(Throwable cause) {
        super("Cannot check who owns the rows of a batch: " + cause.getMessage(), cause);
    }
}
