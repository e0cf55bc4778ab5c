package io.checkpointrelay.bridge.checkpoint;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.SourceTable;

/**
 * The source table the backend writes {@code (user_id, client_id, checkpoint)} rows into, and how a
 * replicated row becomes a {@link WriteCheckpoint}.
 */
public final class CheckpointsTable {

    private static final Logger LOG = Logger.getLogger(CheckpointsTable.class);

    private final SourceTable table;

    public CheckpointsTable(SourceTable table) {
        this.table = table;
    }

    public SourceTable table() {
        return table;
    }

    public boolean is(SourceTable other) {
        return table.equals(other);
    }

    /** The write checkpoint an inserted or updated row sets; empty (and logged) for unusable rows. */
    public Optional<WriteCheckpoint> writeCheckpoint(Row row) {
        if (row.hasUnchangedValues()) {
            LOG.warnf("Ignoring a %s row with unchanged TOAST values: %s", table, row);
            return Optional.empty();
        }
        String userId = Row.text(row.get("user_id"));
        String clientId = Row.text(row.get("client_id"));
        String checkpoint = Row.text(row.get("checkpoint"));
        if (userId == null || clientId == null || checkpoint == null) {
            LOG.warnf("Ignoring a %s row without user_id, client_id or checkpoint: %s", table, row);
            return Optional.empty();
        }
        try {
            return Optional.of(new WriteCheckpoint(userId, clientId, Long.parseLong(checkpoint)));
        } catch (NumberFormatException e) {
            LOG.warnf("Ignoring a %s row whose checkpoint is not a 64-bit integer: %s", table, row);
            return Optional.empty();
        }
    }
}
