package io.checkpointrelay.applier.checkpoint;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/**
 * The greatest checkpoint request id of a client whose writes are applied. sync-bridge
 * replicates this table and reports the value as {@code write_checkpoint} to that client.
 * Rows are only ever written by {@link CheckpointWriter}'s upsert, which never lowers the value.
 */
@Entity
@Table(name = Checkpoint.TABLE)
public class Checkpoint {

    /** Fixed at build time by the mapping; see {@code relay.checkpoints.table}. */
    public static final String TABLE = "checkpoints";

    @EmbeddedId
    private CheckpointKey key;

    @Column(name = "checkpoint", nullable = false)
    private long checkpoint;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    protected Checkpoint() {
        // for Hibernate
    }

    public CheckpointKey key() {
        return key;
    }

    public long checkpoint() {
        return checkpoint;
    }

    public OffsetDateTime updatedAt() {
        return updatedAt;
    }
}
