package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.rules.QuerySource;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;

/** Checks the source database and manages the publication and the replication slot. */
final class ReplicationSetup {

    private static final Logger LOG = Logger.getLogger(ReplicationSetup.class);
    static final String PLUGIN = "pgoutput";

    /**
     * A row of {@code pg_replication_slots}.
     *
     * @param failover marked for failover; always false before PostgreSQL 17, which has no such slots
     */
    record Slot(String plugin, String database, boolean failover) {
    }

    private ReplicationSetup() {
    }

    static void checkWalLevel(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement(); ResultSet result = statement.executeQuery("SHOW wal_level")) {
            result.next();
            if (!"logical".equals(result.getString(1))) {
                throw new PermanentReplicationException("PostgreSQL runs with wal_level=" + result.getString(1)
                        + "; logical replication needs wal_level=logical (then restart PostgreSQL)");
            }
        }
    }

    /**
     * The tables replication reads (those the sync rules read, and the checkpoints table), each with
     * where it is named: the sync rules file and line, or the setting.
     */
    static Map<SourceTable, String> replicatedTables(SyncRules rules, CheckpointsTable checkpointsTable) {
        Map<SourceTable, String> tables = new LinkedHashMap<>();
        for (SourceTable table : rules.tables()) {
            tables.put(table, rules.firstQueryReading(table).map(QuerySource::toString).orElse("sync rules"));
        }
        tables.putIfAbsent(checkpointsTable.table(), "relay.checkpoints.table");
        return tables;
    }

    /** One sentence per table that does not exist, naming where it is named (rules line or setting). */
    static List<String> missingTables(Connection sql, Map<SourceTable, String> tables) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement exists = sql.prepareStatement("SELECT to_regclass(?)")) {
            for (Map.Entry<SourceTable, String> table : tables.entrySet()) {
                exists.setString(1, table.getKey().sql());
                try (ResultSet result = exists.executeQuery()) {
                    result.next();
                    if (result.getString(1) == null) {
                        missing.add(table.getValue() + ": table '" + table.getKey().key() + "' does not exist");
                    }
                }
            }
        }
        return missing;
    }

    /**
     * Creates the publication for the tables, or adds the tables it lacks.
     *
     * @param tables each table, with where it is named (the sync rules line, or the setting) for
     *               the message when it does not exist
     */
    static void ensurePublication(Connection sql, String publication, Map<SourceTable, String> tables) throws SQLException {
        List<String> missing = missingTables(sql, tables);
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join("; ", missing)
                    + (missing.size() == 1 ? " (waiting for it to be created)" : " (waiting for them to be created)"));
        }
        Set<SourceTable> names = tables.keySet();
        warnAboutMissingReplicaIdentity(sql, names);
        Boolean allTables = null;
        try (PreparedStatement select = sql.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            select.setString(1, publication);
            try (ResultSet result = select.executeQuery()) {
                if (result.next()) {
                    allTables = result.getBoolean(1);
                }
            }
        }
        try (Statement statement = sql.createStatement()) {
            if (allTables == null) {
                statement.execute("CREATE PUBLICATION " + SourceTable.quote(publication) + " FOR TABLE "
                        + names.stream().map(SourceTable::sql).collect(Collectors.joining(", ")));
                LOG.infof("Created publication %s for %s", publication, names);
                return;
            }
            if (allTables) {
                return;
            }
            Set<SourceTable> published = new HashSet<>();
            try (PreparedStatement select = sql.prepareStatement(
                    "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
                select.setString(1, publication);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        published.add(new SourceTable(result.getString(1), result.getString(2)));
                    }
                }
            }
            List<SourceTable> toAdd = names.stream().filter(t -> !published.contains(t)).toList();
            if (!toAdd.isEmpty()) {
                statement.execute("ALTER PUBLICATION " + SourceTable.quote(publication) + " ADD TABLE "
                        + toAdd.stream().map(SourceTable::sql).collect(Collectors.joining(", ")));
                LOG.infof("Added %s to publication %s", toAdd, publication);
            }
        }
    }

    /** PostgreSQL rejects UPDATE and DELETE of a published table that has no replica identity. */
    private static void warnAboutMissingReplicaIdentity(Connection sql, Set<SourceTable> tables) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement("""
                SELECT c.relreplident = 'n'
                       OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            for (SourceTable table : tables) {
                select.setString(1, table.sql());
                try (ResultSet result = select.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        LOG.warnf("Table %s has no primary key or replica identity: while it is published, PostgreSQL rejects "
                                + "its UPDATEs and DELETEs. Add a primary key or ALTER TABLE ... REPLICA IDENTITY FULL", table);
                    }
                }
            }
        }
    }

    static Optional<Slot> slot(Connection sql, String slot) throws SQLException {
        String failover = hasFailoverSlots(sql) ? "failover" : "false";
        try (PreparedStatement select = sql.prepareStatement(
                "SELECT plugin, database, " + failover + " FROM pg_replication_slots WHERE slot_name = ?")) {
            select.setString(1, slot);
            try (ResultSet result = select.executeQuery()) {
                return result.next()
                        ? Optional.of(new Slot(result.getString(1), result.getString(2), result.getBoolean(3)))
                        : Optional.empty();
            }
        }
    }

    /** PostgreSQL 17 added failover slots (synchronised to standbys). */
    static boolean hasFailoverSlots(Connection sql) throws SQLException {
        return sql.getMetaData().getDatabaseMajorVersion() >= 17;
    }

    /**
     * Marks the slot for failover. A replication command, so on the replication connection, and
     * only while nothing reads the slot; it ends a snapshot the connection exported.
     */
    static void markForFailover(Connection replication, String slot) throws SQLException {
        try (Statement statement = replication.createStatement()) {
            statement.execute("ALTER_REPLICATION_SLOT " + SourceTable.quote(slot) + " (FAILOVER true)");
        }
    }

    static String currentDatabase(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement(); ResultSet result = statement.executeQuery("SELECT current_database()")) {
            result.next();
            return result.getString(1);
        }
    }

    static void dropSlot(Connection sql, String slot) throws SQLException {
        try (PreparedStatement drop = sql.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
        }
    }
}
