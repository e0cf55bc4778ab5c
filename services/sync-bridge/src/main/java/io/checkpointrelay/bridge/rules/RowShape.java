package io.checkpointrelay.bridge.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The column names of rows of one table, shared by all its rows. */
public final class RowShape {

    private final List<String> columns;
    private final Map<String, Integer> indexes;

    public RowShape(List<String> columns) {
        this.columns = List.copyOf(columns);
        this.indexes = new HashMap<>();
        for (int i = 0; i < this.columns.size(); i++) {
            indexes.put(this.columns.get(i), i);
        }
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    /** Position of {@code column}, or -1. */
    public int indexOf(String column) {
        Integer index = indexes.get(column);
        return index == null ? -1 : index;
    }
}
