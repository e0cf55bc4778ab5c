package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.config.BridgeBeans;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Stops start-up when a table the sync rules (or {@code relay.checkpoints.table}) name does not
 * exist, naming the rules line: a typo should not leave a bridge running that syncs nothing.
 * When the database cannot be reached yet, start-up goes on and replication retries (and reports
 * missing tables the same way in readiness).
 */
@Singleton
public class SourceTablesCheck {

    private static final Logger LOG = Logger.getLogger(SourceTablesCheck.class);

    void check(@Observes StartupEvent event, @DataSource(BridgeBeans.REPLICATION_POOL) AgroalDataSource dataSource, SyncRules rules,
            CheckpointsTable checkpointsTable) {
        List<String> missing;
        try (Connection sql = dataSource.getConnection()) {
            missing = ReplicationSetup.missingTables(sql, ReplicationSetup.replicatedTables(rules, checkpointsTable));
        } catch (SQLException e) {
            LOG.warnf("Cannot check the tables the sync rules read yet (%s); replication will retry", e.getMessage());
            return;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The sync rules read tables that do not exist: " + String.join("; ", missing));
        }
    }
}
