package io.checkpointrelay.bridge.bucket;

import java.util.List;

import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;

/**
 * What one committed source transaction means for storage: the row changes of synced tables and
 * the write checkpoints it set. Never split: storage applies a change set whole or not at all.
 *
 * @param requestsCheckpoint the transaction asked for a checkpoint of its own (a managed checkpoint
 *                           request was recorded in it), even when it changed no synced row
 */
public record ChangeSet(List<RowChange> changes, List<WriteCheckpoint> writeCheckpoints, boolean requestsCheckpoint) {

    public ChangeSet {
        changes = List.copyOf(changes);
        writeCheckpoints = List.copyOf(writeCheckpoints);
    }

    public ChangeSet(List<RowChange> changes, List<WriteCheckpoint> writeCheckpoints) {
        this(changes, writeCheckpoints, false);
    }

    /** True when storing it changes nothing but the stored position (no new checkpoint). */
    public boolean isEmpty() {
        return changes.isEmpty() && writeCheckpoints.isEmpty() && !requestsCheckpoint;
    }

    public int size() {
        return changes.size() + writeCheckpoints.size();
    }
}
