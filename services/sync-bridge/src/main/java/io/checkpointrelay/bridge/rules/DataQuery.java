package io.checkpointrelay.bridge.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A data query of a bucket definition:
 * {@code SELECT * | col [AS alias], ... FROM table [WHERE col = bucket.param [AND col = literal ...]]}.
 */
public final class DataQuery {

    /** A selected column and its name in the output. */
    public record OutputColumn(String source, String name) {
    }

    /** {@code column = literal}: a string or a number (booleans are numbers 1/0, as on the wire). */
    public record LiteralFilter(String column, Object literal) {

        boolean matches(Row row) {
            Object value = row.get(column);
            if (value instanceof String text && literal instanceof String expected) {
                return text.equals(expected);
            }
            if (value instanceof JsonNumber number && literal instanceof JsonNumber expected) {
                try {
                    return new BigDecimal(number.text()).compareTo(new BigDecimal(expected.text())) == 0;
                } catch (NumberFormatException e) {
                    return number.text().equals(expected.text());
                }
            }
            return false;
        }
    }

    private final String sql;
    private final QuerySource source;
    private final SourceTable table;
    private final String objectType;
    private final List<OutputColumn> columns;
    private final List<String> parameterColumns;
    private final List<LiteralFilter> filters;

    /**
     * @param columns          the selected columns; empty for {@code SELECT *}
     * @param parameterColumns for each bucket parameter (in the definition's order), the column it
     *                         is compared with
     */
    public DataQuery(String sql, QuerySource source, SourceTable table, String objectType, List<OutputColumn> columns,
            List<String> parameterColumns, List<LiteralFilter> filters) {
        this.sql = sql;
        this.source = source;
        this.table = table;
        this.objectType = objectType;
        this.columns = List.copyOf(columns);
        this.parameterColumns = List.copyOf(parameterColumns);
        this.filters = List.copyOf(filters);
    }

    public String sql() {
        return sql;
    }

    /** Where the query is written. */
    public QuerySource source() {
        return source;
    }

    public SourceTable table() {
        return table;
    }

    public String objectType() {
        return objectType;
    }

    /** The bucket parameter values this row yields, or null when the query does not select it. */
    public List<Object> bucketParameters(Row row) {
        for (LiteralFilter filter : filters) {
            if (!filter.matches(row)) {
                return null;
            }
        }
        List<Object> values = new ArrayList<>(parameterColumns.size());
        for (String column : parameterColumns) {
            Object value = row.get(column);
            if (value == null) {
                return null; // NULL = x is never true in SQL
            }
            values.add(value);
        }
        return values;
    }

    /** The object id: the output column {@code id} as text; null when the row has none. */
    public String objectId(Row row) {
        if (columns.isEmpty()) {
            return Row.text(row.get("id"));
        }
        for (OutputColumn column : columns) {
            if (column.name().equals("id")) {
                return Row.text(row.get(column.source()));
            }
        }
        return null;
    }

    /** The JSON object text of the selected columns, in select-list (or table column) order. */
    public String data(Row row) {
        if (columns.isEmpty()) {
            return row.json();
        }
        StringBuilder out = new StringBuilder(32 + columns.size() * 24).append('{');
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            OutputColumn column = columns.get(i);
            JsonValues.appendString(out, column.name()).append(':');
            JsonValues.append(out, row.get(column.source()));
        }
        return out.append('}').toString();
    }

    @Override
    public String toString() {
        return sql;
    }
}
