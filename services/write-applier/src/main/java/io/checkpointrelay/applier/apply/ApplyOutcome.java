package io.checkpointrelay.applier.apply;

/** What became of one uploads record. */
public enum ApplyOutcome {
    /** Its entries and checkpoint row committed. */
    APPLIED,
    /** A client's retry of a batch it had applied before: only its checkpoint request was fulfilled. */
    CLIENT_RETRY,
    /** The partition's position was already past it (redelivered after a crash or rebalance): nothing done. */
    REDELIVERED,
    /** It will never apply: dead-lettered, recorded for its user, checkpoint request fulfilled. */
    REJECTED
}
