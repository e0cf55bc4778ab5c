package io.checkpointrelay.bridge.rules;

/** Sync rules that cannot be used; the message names the file, the definition and the query. */
public class SyncRulesException extends IllegalArgumentException {

    public SyncRulesException(String message) {
        super(message);
    }

    public SyncRulesException(String message, Throwable cause) {
        super(message, cause);
    }
}
