package io.checkpointrelay.bridge.rules;

import java.util.Arrays;
import java.util.Objects;

/**
 * One row of a source table, values already in their JSON form: {@code null}, a {@link String}
 * (a JSON string) or a {@link JsonNumber}. During replication a value may also be
 * {@link #UNCHANGED}: PostgreSQL did not send an unchanged TOASTed value and the stored current
 * row supplies it.
 */
public final class Row {

    /** Marker of a value PostgreSQL left out because it did not change (unchanged TOAST). */
    public static final Object UNCHANGED = new Object() {
        @Override
        public String toString() {
            return "<unchanged>";
        }
    };

    private final RowShape shape;
    private final Object[] values;
    private String json;

    public Row(RowShape shape, Object[] values) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("Row has " + values.length + " values for " + shape.size() + " columns");
        }
        this.shape = shape;
        this.values = values;
    }

    public RowShape shape() {
        return shape;
    }

    public int size() {
        return values.length;
    }

    public Object value(int index) {
        return values[index];
    }

    /** The value of {@code column}; null when the column is null or absent. */
    public Object get(String column) {
        int index = shape.indexOf(column);
        return index < 0 ? null : values[index];
    }

    /** All columns as a JSON object in column order; computed once (also the data of {@code SELECT *}). */
    public String json() {
        String text = json;
        if (text == null) {
            text = JsonValues.object(this);
            json = text;
        }
        return text;
    }

    public boolean hasUnchangedValues() {
        for (Object value : values) {
            if (value == UNCHANGED) {
                return true;
            }
        }
        return false;
    }

    /** Text form of a value as used in object ids and keys: strings as is, numbers as written. */
    public static String text(Object value) {
        return value == null ? null : value.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row other && shape.columns().equals(other.shape.columns()) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shape.columns(), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Row{");
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape.columns().get(i)).append('=').append(values[i]);
        }
        return text.append('}').toString();
    }
}
