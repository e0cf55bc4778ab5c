package io.checkpointrelay.applier.write;

/**
 * Refuses a client's write for good. The message is the reason the user's app receives in its
 * {@code upload_rejections} row, so say what is wrong with the write in the user's terms, and
 * never reveal other users' data.
 */
public class WriteRejectedException extends RuntimeException {

    public WriteRejectedException(String reason) {
        super(reason);
    }
}
