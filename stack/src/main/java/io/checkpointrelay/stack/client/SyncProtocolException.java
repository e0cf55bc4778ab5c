package io.checkpointrelay.stack.client;

/** A line the sync service sent that a stock client would reject as a protocol error. */
public final class SyncProtocolException extends RuntimeException {

    public SyncProtocolException(String message) {
        super(message);
    }
}
