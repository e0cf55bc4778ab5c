package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loaded bucket definitions: which buckets a request syncs, and in which buckets a row is.
 * Immutable and thread-safe.
 */
public final class SyncRules {

    private record Placement(BucketDefinition definition, DataQuery query) {
    }

    private final List<BucketDefinition> definitions;
    private final Map<SourceTable, List<Placement>> placementsByTable;

    public SyncRules(List<BucketDefinition> definitions) {
        this.definitions = List.copyOf(definitions);
        Map<SourceTable, List<Placement>> byTable = new LinkedHashMap<>();
        for (BucketDefinition definition : this.definitions) {
            for (DataQuery query : definition.dataQueries()) {
                byTable.computeIfAbsent(query.table(), t -> new ArrayList<>()).add(new Placement(definition, query));
            }
        }
        byTable.replaceAll((table, placements) -> List.copyOf(placements));
        this.placementsByTable = Map.copyOf(byTable);
    }

    public List<BucketDefinition> definitions() {
        return definitions;
    }

    /** The tables data queries read, in definition order. */
    public Set<SourceTable> tables() {
        Set<SourceTable> tables = new LinkedHashSet<>();
        definitions.forEach(d -> d.dataQueries().forEach(q -> tables.add(q.table())));
        return tables;
    }

    public boolean syncs(SourceTable table) {
        return placementsByTable.containsKey(table);
    }

    /** The buckets a request syncs, in definition order, each once. */
    public List<BucketRef> bucketsFor(RequestContext request) {
        List<BucketRef> buckets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BucketDefinition definition : definitions) {
            for (BucketRef bucket : definition.bucketsFor(request)) {
                if (seen.add(bucket.name())) {
                    buckets.add(bucket);
                }
            }
        }
        return buckets;
    }

    /**
     * The buckets {@code row} of {@code table} belongs to, each (bucket, object type, object id)
     * once. Rows without an {@code id} belong nowhere.
     */
    public List<BucketEntry> evaluate(SourceTable table, Row row) {
        List<Placement> placements = placementsByTable.get(table);
        if (placements == null) {
            return List.of();
        }
        List<BucketEntry> entries = new ArrayList<>(placements.size());
        Set<String> seen = placements.size() > 1 ? new HashSet<>() : null;
        for (Placement placement : placements) {
            DataQuery query = placement.query();
            List<Object> parameters = query.bucketParameters(row);
            if (parameters == null) {
                continue;
            }
            String objectId = query.objectId(row);
            if (objectId == null) {
                continue;
            }
            String bucket = placement.definition().bucketName(parameters);
            if (seen != null && !seen.add(bucket + '\u0000' + query.objectType() + '\u0000' + objectId)) {
                continue;
            }
            entries.add(new BucketEntry(bucket, query.objectType(), objectId, query.data(row)));
        }
        return entries;
    }
}
