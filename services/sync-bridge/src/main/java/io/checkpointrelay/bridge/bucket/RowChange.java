package io.checkpointrelay.bridge.bucket;

import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.SourceTable;

/** A change of a synced source row, as storage consumes it; keys identify rows within their table. */
public sealed interface RowChange {

    SourceTable table();

    /**
     * The row was inserted or updated. {@code previousKey} is set when an update changed the key.
     * Values of {@code row} may be {@link Row#UNCHANGED}. {@code inserted}: a new row (an INSERT),
     * which storage cannot hold yet unless an earlier change of the same step put it there, so
     * its stored state is not looked up.
     */
    record Upsert(SourceTable table, String key, String previousKey, Row row, boolean inserted) implements RowChange {

        /** An insert or update whose earlier stored state, if any, must be looked up. */
        public Upsert(SourceTable table, String key, String previousKey, Row row) {
            this(table, key, previousKey, row, false);
        }
    }

    /** The row was deleted. */
    record Delete(SourceTable table, String key) implements RowChange {
    }

    /** All rows of the table were removed. */
    record Truncate(SourceTable table) implements RowChange {
    }
}
