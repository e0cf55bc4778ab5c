package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The loaded bucket definitions: which buckets a request syncs, in which buckets a row is, and
 * which parameter index entries a row yields. Immutable and thread-safe.
 */
public final class SyncRules {

    private record Placement(BucketDefinition definition, DataQuery query) {
    }

    private final List<BucketDefinition> definitions;
    private final Map<SourceTable, List<Placement>> placementsByTable;
    private final Map<SourceTable, List<TableParameterQuery>> parameterQueriesByTable;
    /** Every table read, in the order the rules name them first, with where that is. */
    private final Map<SourceTable, QuerySource> tables;

    public SyncRules(List<BucketDefinition> definitions) {
        this.definitions = List.copyOf(definitions);
        Map<SourceTable, List<Placement>> byTable = new LinkedHashMap<>();
        Map<SourceTable, List<TableParameterQuery>> parameterQueries = new LinkedHashMap<>();
        Map<SourceTable, QuerySource> named = new LinkedHashMap<>();
        for (BucketDefinition definition : this.definitions) {
            for (ParameterQuery query : definition.parameterQueries()) {
                if (query instanceof TableParameterQuery table) {
                    parameterQueries.computeIfAbsent(table.table(), t -> new ArrayList<>()).add(table);
                    named.putIfAbsent(table.table(), table.source());
                }
            }
            for (DataQuery query : definition.dataQueries()) {
                byTable.computeIfAbsent(query.table(), t -> new ArrayList<>()).add(new Placement(definition, query));
                named.putIfAbsent(query.table(), query.source());
            }
        }
        byTable.replaceAll((table, placements) -> List.copyOf(placements));
        parameterQueries.replaceAll((table, queries) -> List.copyOf(queries));
        this.placementsByTable = Map.copyOf(byTable);
        this.parameterQueriesByTable = Map.copyOf(parameterQueries);
        this.tables = named;
    }

    public List<BucketDefinition> definitions() {
        return definitions;
    }

    /** The tables parameter and data queries read, in the order the rules first name them. */
    public Set<SourceTable> tables() {
        return Collections.unmodifiableSet(tables.keySet());
    }

    /** The first query that reads {@code table}, to point at it in messages. */
    public Optional<QuerySource> firstQueryReading(SourceTable table) {
        return Optional.ofNullable(tables.get(table));
    }

    /** True when replication needs the changes of {@code table} (a data or parameter query reads it). */
    public boolean syncs(SourceTable table) {
        return tables.containsKey(table);
    }

    /** True when a table parameter query reads {@code table}: its rows feed the parameter index. */
    public boolean hasParameterQueries(SourceTable table) {
        return parameterQueriesByTable.containsKey(table);
    }

    /** The buckets a request syncs, as far as the request alone tells; see {@link RequestBuckets}. */
    public RequestBuckets requestBuckets(RequestContext request) {
        return RequestBuckets.of(definitions, request);
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

    /** The parameter index entries of {@code row} of {@code table}, one per table parameter query selecting it. */
    public List<ParameterEntry> parameterEntries(SourceTable table, Row row) {
        List<TableParameterQuery> queries = parameterQueriesByTable.get(table);
        if (queries == null) {
            return List.of();
        }
        List<ParameterEntry> entries = new ArrayList<>(queries.size());
        for (TableParameterQuery query : queries) {
            ParameterEntry entry = query.entry(row);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
