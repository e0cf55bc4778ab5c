package io.checkpointrelay.bridge.bucket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.bucket.PlannedWrites.RowId;
import io.checkpointrelay.bridge.bucket.PlannedWrites.StoredWriteCheckpoint;
import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;
import io.checkpointrelay.bridge.rules.BucketEntry;
import io.checkpointrelay.bridge.rules.JsonValues;
import io.checkpointrelay.bridge.rules.ParameterEntry;
import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;

/**
 * Turns committed change sets into bucket operations. A row is PUT in every bucket it is in after
 * the change and REMOVEd from buckets it was in before (known from the stored current rows) but no
 * longer; DELETE and TRUNCATE remove rows from all their buckets. Op ids come from one increasing
 * counter; every change set advances it at least once so that each gives a new checkpoint.
 * Rows of tables that table parameter queries read also get their parameter index entries
 * replaced when they change (compared with the stored ones), in the same step.
 * One planner serves one storage step; it is not thread-safe.
 */
final class ChangePlanner {

    /** Reads stored current rows as they were before this step. */
    interface StoredRows {
        Map<String, StoredRow> load(SourceTable table, Collection<String> keys);

        Map<String, StoredRow> loadAll(SourceTable table);

        /** The stored parameter index entries of these rows; rows without entries are absent. */
        Map<String, List<ParameterEntry>> loadParameters(SourceTable table, Collection<String> keys);
    }

    private static final Logger LOG = Logger.getLogger(ChangePlanner.class);

    private final SyncRules rules;
    private final StoredRows storedRows;
    private final boolean lookUpInserted;
    private long opId;

    private final Map<RowId, StoredRow> before = new HashMap<>();
    /** State after the changes planned so far; a null value means the row is gone. */
    private final Map<RowId, StoredRow> after = new LinkedHashMap<>();
    private final Set<SourceTable> truncated = new LinkedHashSet<>();
    /** Rows touched by something else than an INSERT in this step: storage may hold them. */
    private final Set<RowId> mayBeStored = new HashSet<>();
    private final List<BucketOp> ops = new ArrayList<>();
    private final Map<String, long[]> increments = new LinkedHashMap<>();
    private final Map<List<String>, StoredWriteCheckpoint> writeCheckpoints = new LinkedHashMap<>();
    private final Map<RowId, List<ParameterEntry>> parametersBefore = new HashMap<>();
    /** Entries of rows whose entries changed in this step; an empty list means none. */
    private final Map<RowId, List<ParameterEntry>> parametersAfter = new LinkedHashMap<>();
    private final Set<SourceTable> truncatedParameterTables = new LinkedHashSet<>();
    private boolean parametersChanged;

    /**
     * @param lookUpInserted also look up the stored state of inserted rows (normally skipped: a
     *                       new row cannot be stored yet, except in tables without a real key)
     */
    ChangePlanner(SyncRules rules, StoredRows storedRows, long lastOpId, boolean lookUpInserted) {
        this.rules = rules;
        this.storedRows = storedRows;
        this.lookUpInserted = lookUpInserted;
        this.opId = lastOpId;
    }

    PlannedWrites plan(List<ChangeSet> changeSets) {
        loadTouchedRows(changeSets);
        for (ChangeSet changeSet : changeSets) {
            long first = opId;
            for (RowChange change : changeSet.changes()) {
                switch (change) {
                    case RowChange.Upsert upsert -> upsert(upsert);
                    case RowChange.Delete delete -> delete(delete.table(), delete.key());
                    case RowChange.Truncate truncate -> truncate(truncate.table());
                }
            }
            if (opId == first && !changeSet.isEmpty()) {
                opId++; // a checkpoint of its own even when no bucket changed
            }
            for (WriteCheckpoint wc : changeSet.writeCheckpoints()) {
                writeCheckpoints.put(List.of(wc.userId(), wc.clientId()),
                        new StoredWriteCheckpoint(wc.userId(), wc.clientId(), wc.checkpoint(), opId));
            }
        }
        List<BucketState> bucketIncrements = new ArrayList<>(increments.size());
        increments.forEach((bucket, sums) -> bucketIncrements.add(new BucketState(bucket, sums[0], sums[1], sums[2])));
        Set<RowId> newRows = new HashSet<>();
        after.forEach((id, row) -> {
            if (row != null && !mayBeStored.contains(id)) {
                newRows.add(id);
            }
        });
        return new PlannedWrites(ops, bucketIncrements, List.copyOf(truncated), after, newRows,
                List.copyOf(writeCheckpoints.values()), opId,
                new ParameterWrites(List.copyOf(truncatedParameterTables), parametersAfter, parametersChanged));
    }

    private void loadTouchedRows(List<ChangeSet> changeSets) {
        Map<SourceTable, Set<String>> keys = new LinkedHashMap<>();
        for (ChangeSet changeSet : changeSets) {
            for (RowChange change : changeSet.changes()) {
                if (change instanceof RowChange.Upsert upsert && (lookUpInserted || !upsert.inserted())) {
                    keys.computeIfAbsent(upsert.table(), t -> new HashSet<>()).add(upsert.key());
                    if (upsert.previousKey() != null) {
                        keys.get(upsert.table()).add(upsert.previousKey());
                    }
                } else if (change instanceof RowChange.Delete delete) {
                    keys.computeIfAbsent(delete.table(), t -> new HashSet<>()).add(delete.key());
                }
            }
        }
        keys.forEach((table, tableKeys) -> {
            storedRows.load(table, tableKeys).forEach((key, row) -> before.put(new RowId(table, key), row));
            if (rules.hasParameterQueries(table)) {
                storedRows.loadParameters(table, tableKeys)
                        .forEach((key, entries) -> parametersBefore.put(new RowId(table, key), entries));
            }
        });
    }

    private StoredRow current(RowId id) {
        if (after.containsKey(id)) {
            return after.get(id);
        }
        return truncated.contains(id.table()) ? null : before.get(id);
    }

    private void upsert(RowChange.Upsert change) {
        SourceTable table = change.table();
        RowId id = new RowId(table, change.key());
        RowId previousId = change.previousKey() == null || change.previousKey().equals(change.key())
                ? id : new RowId(table, change.previousKey());
        if (!change.inserted()) {
            mayBeStored.add(id);
            mayBeStored.add(previousId);
        }
        StoredRow previous = current(previousId);
        Row row = change.row().hasUnchangedValues() ? withUnchangedValues(table, change.row(), previous) : change.row();

        List<BucketEntry> entries = rules.evaluate(table, row);
        List<RowPlacement> placements = new ArrayList<>(entries.size());
        for (BucketEntry entry : entries) {
            placements.add(new RowPlacement(entry.bucket(), entry.objectType(), entry.objectId()));
        }
        if (previous != null) {
            String previousSubkey = subkey(previousId);
            for (RowPlacement old : previous.placements()) {
                if (!placements.contains(old)) {
                    add(BucketOp.remove(old.bucket(), ++opId, old.objectType(), old.objectId(), previousSubkey));
                }
            }
        }
        String subkey = subkey(id);
        for (BucketEntry entry : entries) {
            add(BucketOp.put(entry.bucket(), ++opId, entry.objectType(), entry.objectId(), subkey, entry.data()));
        }
        if (!previousId.equals(id)) {
            after.put(previousId, null);
        }
        after.put(id, new StoredRow(row.json(), placements));
        if (rules.hasParameterQueries(table)) {
            if (!previousId.equals(id)) {
                setParameters(previousId, List.of());
            }
            setParameters(id, rules.parameterEntries(table, row));
        }
    }

    private void delete(SourceTable table, String key) {
        RowId id = new RowId(table, key);
        mayBeStored.add(id);
        StoredRow previous = current(id);
        if (previous != null) {
            removeEverywhere(id, previous);
        }
        after.put(id, null);
        if (rules.hasParameterQueries(table)) {
            setParameters(id, List.of());
        }
    }

    private void truncate(SourceTable table) {
        Map<String, StoredRow> rows = new LinkedHashMap<>();
        if (!truncated.contains(table)) {
            rows.putAll(storedRows.loadAll(table));
        }
        for (var it = after.entrySet().iterator(); it.hasNext();) {
            Map.Entry<RowId, StoredRow> entry = it.next();
            if (entry.getKey().table().equals(table)) {
                if (entry.getValue() == null) {
                    rows.remove(entry.getKey().key());
                } else {
                    rows.put(entry.getKey().key(), entry.getValue());
                }
                it.remove();
            }
        }
        rows.forEach((key, row) -> removeEverywhere(new RowId(table, key), row));
        truncated.add(table);
        if (rules.hasParameterQueries(table)) {
            parametersAfter.keySet().removeIf(id -> id.table().equals(table));
            truncatedParameterTables.add(table);
            parametersChanged = true;
        }
    }

    /** The row's parameter index entries as planned so far. */
    private List<ParameterEntry> currentParameters(RowId id) {
        List<ParameterEntry> entries = parametersAfter.get(id);
        if (entries != null) {
            return entries;
        }
        return truncated.contains(id.table()) ? List.of() : parametersBefore.getOrDefault(id, List.of());
    }

    /** Records the row's new entries; only a real difference is written (and makes streams look up again). */
    private void setParameters(RowId id, List<ParameterEntry> entries) {
        if (!currentParameters(id).equals(entries)) {
            parametersAfter.put(id, List.copyOf(entries));
            parametersChanged = true;
        }
    }

    private void removeEverywhere(RowId id, StoredRow row) {
        String subkey = subkey(id);
        for (RowPlacement placement : row.placements()) {
            add(BucketOp.remove(placement.bucket(), ++opId, placement.objectType(), placement.objectId(), subkey));
        }
    }

    private void add(BucketOp op) {
        ops.add(op);
        long[] sums = increments.computeIfAbsent(op.bucket(), b -> new long[3]);
        sums[0] = op.opId();
        sums[1] = Checksums.add(sums[1], op.checksum());
        sums[2]++;
    }

    /** Fills in values PostgreSQL did not resend (unchanged TOAST) from the stored row. */
    private Row withUnchangedValues(SourceTable table, Row row, StoredRow previous) {
        Map<String, Object> stored = previous == null ? Map.of() : JsonValues.parseObject(previous.data());
        Object[] values = new Object[row.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = row.value(i);
            if (value == Row.UNCHANGED) {
                String column = row.shape().columns().get(i);
                if (!stored.containsKey(column)) {
                    LOG.warnf("Unchanged TOAST value of %s.%s is unknown (row not stored); syncing null", table, column);
                }
                value = stored.get(column);
            }
            values[i] = value;
        }
        return new Row(row.shape(), values);
    }

    /** Identifies the source row in REMOVE checksums: {@code <table>/<key>}. */
    static String subkey(RowId id) {
        return id.table().key() + "/" + id.key();
    }
}
