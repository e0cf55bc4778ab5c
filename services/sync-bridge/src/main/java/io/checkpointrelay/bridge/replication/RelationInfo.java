package io.checkpointrelay.bridge.replication;

import java.util.ArrayList;
import java.util.List;

import io.checkpointrelay.bridge.rules.JsonValues;
import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.RowShape;
import io.checkpointrelay.bridge.rules.SourceTable;

/**
 * A source table as replication sees it: column names, type OIDs and which columns form the replica
 * identity (the row key). Built from pgoutput Relation messages and, for the initial snapshot, from
 * the catalog, so both produce the same rows and keys.
 */
public final class RelationInfo {

    private final SourceTable table;
    private final RowShape shape;
    private final int[] typeOids;
    private final int[] keyColumns;

    public RelationInfo(SourceTable table, List<PgOutputMessage.Column> columns) {
        this.table = table;
        this.shape = new RowShape(columns.stream().map(PgOutputMessage.Column::name).toList());
        this.typeOids = columns.stream().mapToInt(PgOutputMessage.Column::typeOid).toArray();
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).key()) {
                keys.add(i);
            }
        }
        if (keys.isEmpty() && shape.indexOf("id") >= 0) {
            keys.add(shape.indexOf("id")); // no replica identity: inserts only; id is the best key
        }
        this.keyColumns = keys.stream().mapToInt(Integer::intValue).toArray();
    }

    public static RelationInfo of(PgOutputMessage.Relation relation) {
        return new RelationInfo(new SourceTable(relation.namespace(), relation.name()), relation.columns());
    }

    public SourceTable table() {
        return table;
    }

    public RowShape shape() {
        return shape;
    }

    /** The row with values in JSON form (unchanged TOAST values stay {@link Row#UNCHANGED}). */
    public Row row(TupleData tuple) {
        if (tuple.size() != typeOids.length) {
            throw new IllegalStateException("Tuple of " + table + " has " + tuple.size() + " values for "
                    + typeOids.length + " columns");
        }
        Object[] values = new Object[typeOids.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = PgTextValues.toJsonValue(typeOids[i], tuple.value(i));
        }
        return new Row(shape, values);
    }

    /**
     * The row key: the replica identity column's text for a single-column key, a JSON array of the
     * values otherwise, the whole row when the table has neither a key nor an id.
     */
    public String key(Row row) {
        if (keyColumns.length == 0) {
            return JsonValues.object(row);
        }
        if (keyColumns.length == 1) {
            Object value = row.value(keyColumns[0]);
            return value == null ? "null" : Row.text(value);
        }
        List<Object> values = new ArrayList<>(keyColumns.length);
        for (int column : keyColumns) {
            values.add(row.value(column));
        }
        return JsonValues.array(values);
    }
}
