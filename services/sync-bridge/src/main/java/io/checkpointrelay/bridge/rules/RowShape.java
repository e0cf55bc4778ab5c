package io.checkpointrelay.bridge.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The column names of rows of one table, shared by all its rows. */
public final class RowShape {

    private final List<String> columns;
    private final Map<String, Integer> indexes;
    /** {@code "name":} per column: every row's JSON starts its values with these. */
    private final String[] jsonNames;

    public RowShape(List<String> columns) {
        this.columns = List.copyOf(columns);
        this.indexes = new HashMap<>();
        this.jsonNames = new String[this.columns.size()];
        for (int i = 0; i < this.columns.size(); i++) {
            indexes.put(this.columns.get(i), i);
            jsonNames[i] = JsonValues.appendString(new StringBuilder(), this.columns.get(i)).append(':').toString();
        }
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    /** The column's name as a JSON object key, with the colon: {@code "name":}. */
    String jsonName(int index) {
        return jsonNames[index];
    }

    /** Position of {@code column}, or -1. */
    public int indexOf(String column) {
        Integer index = indexes.get(column);
        return index == null ? -1 : index;
    }
}
