package io.checkpointrelay.bridge.checkpoint;

/** A replicated checkpoints row: the backend has applied (user, client)'s writes up to {@code checkpoint}. */
public record WriteCheckpoint(String userId, String clientId, long checkpoint) {
}
