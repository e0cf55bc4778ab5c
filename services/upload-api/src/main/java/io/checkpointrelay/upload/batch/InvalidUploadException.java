package io.checkpointrelay.upload.batch;

/** The upload body cannot be queued; the message tells the client developer what to fix. */
public class InvalidUploadException extends RuntimeException {

    public InvalidUploadException(String message) {
        super(message, null, false, false);
    }
}
