package io.checkpointrelay.bridge.replication;

import jakarta.enterprise.context.ApplicationScoped;

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

    /** The storage schema exists, so streams can read it. */
    public boolean storageReady() {
        return storageReady;
    }

    void storageCreated() {
        storageReady = true;
    }

    void set(State state, String detail) {
        this.state = state;
        this.detail = detail;
    }
}
