package io.checkpointrelay.bridge.bucket;

import java.util.List;

/**
 * What storage remembers of a source row: all its columns (JSON object text, to fill in unchanged
 * TOAST values of later updates) and the buckets it is in (to send REMOVE when it leaves them).
 */
public record StoredRow(String data, List<RowPlacement> placements) {

    public StoredRow {
        placements = List.copyOf(placements);
    }
}
