package io.checkpointrelay.protocol.schema;

import java.util.Map;
import java.util.Optional;

/**
 * A table clients may write: its columns with their types, and optionally the column that
 * names the owning user.
 *
 * @param ownerColumn the column holding the owner's user id, or null when rows are not owned
 */
public record TableSchema(String name, Map<String, ColumnType> columns, String ownerColumn) {

    /** Every table's primary key: PowerSync rows are identified by a text or uuid {@code id}. */
    public static final String ID = "id";

    public TableSchema {
        columns = Map.copyOf(columns);
    }

    public Optional<ColumnType> column(String column) {
        return Optional.ofNullable(columns.get(column));
    }

    public ColumnType idType() {
        return columns.get(ID);
    }
}
