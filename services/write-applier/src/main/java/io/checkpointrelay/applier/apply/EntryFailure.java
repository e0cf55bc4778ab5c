package io.checkpointrelay.applier.apply;

/**
 * Names the entry of a batch whose statement failed; the database's own exception is the
 * cause, so {@link Failures} still classifies by it.
 */
class EntryFailure extends RuntimeException {

    EntryFailure(String entry, Throwable cause) {
        super(entry, cause);
    }
}
