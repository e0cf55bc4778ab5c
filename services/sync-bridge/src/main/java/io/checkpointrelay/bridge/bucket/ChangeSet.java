package io.checkpointrelay.bridge.bucket;

import java.util.List;

import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * What one committed source transaction means for storage: the row changes of synced tables and
 * the write checkpoints it set. Never split: storage applies a change set whole or not at all.
 *
 * @param requestsCheckpoint the transaction asked for a checkpoint of its own (a managed checkpoint
 *                           request was recorded in it), even when it changed no synced row
 * @param requesters         the clients whose managed requests were recorded in it; null when a
 *                           request named no client (any client's write checkpoint may have changed)
 */
public record ChangeSet(List<RowChange> changes, List<WriteCheckpoint> writeCheckpoints, boolean requestsCheckpoint,
        List<ClientKey> requesters) {

    public ChangeSet {
        changes = List.copyOf(changes);
        writeCheckpoints = List.copyOf(writeCheckpoints);
        requesters = requesters == null ? null : List.copyOf(requesters);
    }

    public ChangeSet(List<RowChange> changes, List<WriteCheckpoint> writeCheckpoints) {
        this(changes, writeCheckpoints, false, List.of());
    }

    /** True when storing it changes nothing but the stored position (no new checkpoint). */
    public boolean isEmpty() {
        return changes.isEmpty() && writeCheckpoints.isEmpty() && !requestsCheckpoint;
    }

    public int size() {
        return changes.size() + writeCheckpoints.size();
    }
}
