package io.checkpointrelay.bridge.bucket;

import java.util.List;

import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;

/**
 * What one committed source transaction means for storage: the row changes of synced tables and
 * the write checkpoints it set. Never split: storage applies a change set whole or not at all.
 */
public record ChangeSet(List<RowChange> changes, List<WriteCheckpoint> writeCheckpoints) {

    public ChangeSet {
        changes = List.copyOf(changes);
        writeCheckpoints = List.copyOf(writeCheckpoints);
    }

    public boolean isEmpty() {
        return changes.isEmpty() && writeCheckpoints.isEmpty();
    }

    public int size() {
        return changes.size() + writeCheckpoints.size();
    }
}
