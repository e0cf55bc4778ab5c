package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A parameter query that reads a table, e.g.
 * {@code SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()}. Replication keeps
 * an index of its rows ({@link #entry(Row)}: lookup values to selected columns); a stream looks up
 * its request values ({@link #lookup(RequestContext)}) and turns each entry found into bucket
 * parameters ({@link #bucketParameters}).
 */
public final class TableParameterQuery implements ParameterQuery {

    /** Where a parameter's value comes from. */
    public sealed interface Output {
    }

    /** A column of the row; its value is stored in the index entry. */
    public record ColumnOutput(String column) implements Output {
    }

    /** A request value, e.g. {@code request.user_id() AS user_id} next to table columns. */
    public record RequestOutput(RequestValue value) implements Output {
    }

    /** {@code column = <request value>}: the part of the WHERE clause the index is keyed by. */
    public record LookupCondition(String column, RequestValue value) {
    }

    private final String id;
    private final String sql;
    private final QuerySource source;
    private final SourceTable table;
    private final List<String> names;
    private final List<Output> outputs;
    private final List<String> outputColumns;
    /** Per output: its position in an index entry's stored values, -1 for request values. */
    private final int[] storedIndexes;
    private final List<LookupCondition> lookups;
    private final List<DataQuery.LiteralFilter> filters;

    /**
     * @param id      identifies the query in the index (stable while the rules are unchanged)
     * @param names   the parameter names, in select-list order
     * @param outputs for each name, where its value comes from
     */
    public TableParameterQuery(String id, String sql, QuerySource source, SourceTable table, List<String> names,
            List<Output> outputs, List<LookupCondition> lookups, List<DataQuery.LiteralFilter> filters) {
        this.id = id;
        this.sql = sql;
        this.source = source;
        this.table = table;
        this.names = List.copyOf(names);
        this.outputs = List.copyOf(outputs);
        this.lookups = List.copyOf(lookups);
        this.filters = List.copyOf(filters);
        List<String> columns = new ArrayList<>();
        this.storedIndexes = new int[this.outputs.size()];
        for (int i = 0; i < storedIndexes.length; i++) {
            if (this.outputs.get(i) instanceof ColumnOutput column) {
                storedIndexes[i] = columns.size();
                columns.add(column.column());
            } else {
                storedIndexes[i] = -1;
            }
        }
        this.outputColumns = List.copyOf(columns);
    }

    public String id() {
        return id;
    }

    @Override
    public String sql() {
        return sql;
    }

    @Override
    public QuerySource source() {
        return source;
    }

    @Override
    public List<String> names() {
        return names;
    }

    public SourceTable table() {
        return table;
    }

    /**
     * The row's index entry, or null when no request can select it (a literal filter fails, or a
     * compared or selected column is null: such a row yields no bucket).
     */
    public ParameterEntry entry(Row row) {
        for (DataQuery.LiteralFilter filter : filters) {
            if (!filter.matches(row)) {
                return null;
            }
        }
        List<Object> keyValues = new ArrayList<>(lookups.size());
        for (LookupCondition lookup : lookups) {
            keyValues.add(row.get(lookup.column()));
        }
        ParameterLookup lookup = ParameterLookup.of(id, keyValues);
        if (lookup == null) {
            return null;
        }
        List<Object> selected = new ArrayList<>(outputColumns.size());
        for (String column : outputColumns) {
            Object value = row.get(column);
            if (value == null) {
                return null;
            }
            selected.add(value);
        }
        return new ParameterEntry(lookup, JsonValues.array(selected));
    }

    /** What this request looks up in the index; null when a compared request value is null. */
    public ParameterLookup lookup(RequestContext request) {
        List<Object> keyValues = new ArrayList<>(lookups.size());
        for (LookupCondition lookup : lookups) {
            keyValues.add(lookup.value().valueIn(request));
        }
        return ParameterLookup.of(id, keyValues);
    }

    /**
     * The bucket parameters (in the order of {@code orderedNames}) of an index entry's output for
     * this request; null when a request value in the select list is null.
     */
    public List<Object> bucketParameters(String output, RequestContext request, List<String> orderedNames) {
        List<Object> stored = JsonValues.parseArray(output);
        List<Object> values = new ArrayList<>(orderedNames.size());
        for (String name : orderedNames) {
            int position = names.indexOf(name);
            Object value = switch (outputs.get(position)) {
                case ColumnOutput column -> stored.get(storedIndexes[position]);
                case RequestOutput requested -> requested.value().valueIn(request);
            };
            if (value == null) {
                return null;
            }
            values.add(value);
        }
        return values;
    }

    @Override
    public String toString() {
        return sql;
    }
}
