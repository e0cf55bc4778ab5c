package io.checkpointrelay.bridge.replication;

import jakarta.enterprise.context.ApplicationScoped;

import io.checkpointrelay.bridge.bucket.ReplicationPosition;

/** What replication is doing, for readiness and for the stream endpoint. Thread-safe. */
@ApplicationScoped
public class ReplicationStatus {

    public enum State {
        /** Connecting and preparing schema, publication and slot. */
        STARTING,
        /** Copying the rows that existed when the slot was created. */
        SNAPSHOT,
        /** Streaming changes into storage. */
        REPLICATING,
        /** The last attempt failed; trying again after a delay. */
        RETRYING,
        /**
         * Another bridge holds the slot and replicates into the same storage: this one serves
         * streams from storage and takes the slot over once it is free.
         */
        STANDBY,
        /** Stopped on an error an operator must fix. */
        FAILED,
        /** Shut down. */
        STOPPED
    }

    private volatile State state = State.STARTING;
    private volatile String detail = "starting";
    private volatile boolean storageReady;

    public State state() {
        return state;
    }

    public String detail() {
        return detail;
    }

    /**
     * Storage holds a stored position (the initial snapshot or a later commit), so streams can be
     * served. Before that a checkpoint would be empty and make clients drop their local data.
     */
    public boolean storageReady() {
        return storageReady;
    }

    /**
     * Records what storage holds, as replication read it or as a bridge that is not replicating
     * polled it. Once storage holds a position it keeps one, so readiness never turns back.
     */
    public void observed(ReplicationPosition position) {
        if (position.hasLsn()) {
            storageReady = true;
        }
    }

    void set(State state, String detail) {
        this.state = state;
        this.detail = detail;
    }
}
