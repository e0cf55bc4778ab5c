package io.checkpointrelay.applier.apply;

import java.util.List;

import io.checkpointrelay.protocol.schema.ColumnType;

/**
 * The SQL of one operation on one table for one set of columns, with the column each
 * positional parameter ({@code ?1}, {@code ?2}, ...) takes its value from, in order.
 */
record CrudStatement(String sql, List<Parameter> parameters) {

    /**
     * @param writer true for the parameter that takes the writing user's id rather than a value
     *               of the entry: the owner a stored row must have for the write to touch it
     */
    record Parameter(String column, ColumnType type, boolean writer) {
    }

    CrudStatement {
        parameters = List.copyOf(parameters);
    }
}
