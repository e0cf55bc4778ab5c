package io.checkpointrelay.bridge.bucket;

import java.util.List;
import java.util.Map;

import io.checkpointrelay.bridge.bucket.PlannedWrites.RowId;
import io.checkpointrelay.bridge.rules.ParameterEntry;
import io.checkpointrelay.bridge.rules.SourceTable;

/**
 * What one storage step changes in the parameter index.
 *
 * @param truncatedTables tables whose entries are all removed before {@code rows} are written
 * @param rows            the new entries of each row whose entries changed (empty: it has none now)
 * @param changed         true when the index content changed, so streams must look their buckets up again
 */
public record ParameterWrites(List<SourceTable> truncatedTables, Map<RowId, List<ParameterEntry>> rows, boolean changed) {
}
