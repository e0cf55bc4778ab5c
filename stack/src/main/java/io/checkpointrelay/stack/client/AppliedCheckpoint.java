package io.checkpointrelay.stack.client;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A checkpoint the client validated and applied at {@code checkpoint_complete}.
 *
 * @param lastOpId        the checkpoint's {@code last_op_id}
 * @param writeCheckpoint the checkpoint's {@code write_checkpoint} for this client, or null when it carried none
 * @param bucketChecksums each bucket's checksum (signed 32-bit), all of which matched the ops the client holds
 */
public record AppliedCheckpoint(long lastOpId, Long writeCheckpoint, Map<String, Integer> bucketChecksums) {

    public AppliedCheckpoint {
        bucketChecksums = Map.copyOf(bucketChecksums);
    }

    public OptionalLong writeCheckpointValue() {
        return writeCheckpoint == null ? OptionalLong.empty() : OptionalLong.of(writeCheckpoint);
    }

    /** Whether this checkpoint covers the client's checkpoint request {@code requestId}. */
    public boolean covers(long requestId) {
        return writeCheckpoint != null && writeCheckpoint >= requestId;
    }
}
