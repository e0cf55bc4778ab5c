package io.checkpointrelay.bridge.replication;

import java.util.Arrays;

import io.checkpointrelay.bridge.rules.Row;

/**
 * Column values of a pgoutput tuple in PostgreSQL's text form: a {@link String}, {@code null}, or
 * {@link Row#UNCHANGED} for an unchanged TOASTed value PostgreSQL did not resend.
 */
public record TupleData(Object[] values) {

    public int size() {
        return values.length;
    }

    public Object value(int index) {
        return values[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TupleData other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
