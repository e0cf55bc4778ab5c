package io.checkpointrelay.stack;

/** A service process that exited or did not become ready; the message points at its log. */
public final class ServiceStartException extends RuntimeException {

    public ServiceStartException(String message) {
        super(message);
    }
}
