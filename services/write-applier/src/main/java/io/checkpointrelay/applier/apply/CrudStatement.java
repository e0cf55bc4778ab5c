package io.checkpointrelay.applier.apply;

import java.util.List;

import io.checkpointrelay.protocol.schema.ColumnType;

/**
 * The SQL of one operation on one table for one set of columns, with the column each
 * positional parameter ({@code ?1}, {@code ?2}, ...) takes its value from, in order.
 */
record CrudStatement(String sql, List<Parameter> parameters) {

    record Parameter(String column, ColumnType type) {
    }

    CrudStatement {
        parameters = List.copyOf(parameters);
    }
}
