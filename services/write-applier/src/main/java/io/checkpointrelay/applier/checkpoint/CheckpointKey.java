package io.checkpointrelay.applier.checkpoint;

import java.io.Serializable;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** The primary key of a checkpoint row: one row per client of a user. */
@Embeddable
public record CheckpointKey(
        @Column(name = "user_id", nullable = false) String userId,
        @Column(name = "client_id", nullable = false) String clientId) implements Serializable {
}
