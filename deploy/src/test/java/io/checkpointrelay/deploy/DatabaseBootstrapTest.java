package io.checkpointrelay.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

import io.checkpointrelay.stack.LocalPostgres;
import io.checkpointrelay.stack.RelayService;

/**
 * The SQL the Kubernetes database Cluster runs when it is created (deploy/demo/schema.sql, then
 * deploy/k8s/base/postgres/bootstrap.sql, as CloudNativePG's postInitApplicationSQLRefs do), on
 * a real PostgreSQL 17: afterwards sync-bridge's role can do what the bridge does (read the
 * published tables, own and re-create its storage schema, write heartbeat messages, create its
 * logical replication slot), and the application's role owns and writes the tables.
 */
class DatabaseBootstrapTest {

    private static final String DATABASE = "app";
    private static final String OWNER = "app";
    private static final String BRIDGE_ROLE = "relay_bridge";

    private static LocalPostgres postgres;
    private static Properties bridge;

    @BeforeAll
    static void createTheDatabaseAsCloudNativePgDoes() throws Exception {
        Path repository = ServiceSettings.repository();
        postgres = LocalPostgres.startTemporary();
        try (Connection superuser = postgres.connect("postgres"); Statement sql = superuser.createStatement()) {
            // initdb's database and owner (bootstrap.initdb.database and owner).
            sql.execute("CREATE ROLE " + OWNER + " LOGIN");
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
        }
        postgres.execute(DATABASE, Files.readString(repository.resolve("deploy/demo/schema.sql")));
        postgres.execute(DATABASE, Files.readString(repository.resolve("deploy/k8s/base/postgres/bootstrap.sql")));
        bridge = ServiceSettings.applicationProperties(RelayService.SYNC_BRIDGE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theBridgesRoleReadsEveryPublishedTableAndOwnsItsStorage() throws SQLException {
        List<String> published = new ArrayList<>();
        try (Connection owner = login(OWNER); Statement sql = owner.createStatement();
                ResultSet tables = sql.executeQuery("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = '"
                        + bridge.getProperty("relay.replication.publication") + "'")) {
            while (tables.next()) {
                published.add(tables.getString(1));
            }
        }
        assertThat(published).as("tables of the publication").contains("public." + bridge.getProperty("relay.checkpoints.table"));

        String storage = bridge.getProperty("relay.storage.schema");
        try (Connection replicator = login(BRIDGE_ROLE); Statement sql = replicator.createStatement()) {
            for (String table : published) {
                sql.executeQuery("SELECT * FROM " + table + " LIMIT 1").close();
            }
            sql.execute("CREATE TABLE IF NOT EXISTS " + storage + ".bucket_probe (id bigint)");
            // A re-sync drops the storage schema; the bridge creates it again.
            sql.execute("DROP SCHEMA " + storage + " CASCADE");
            sql.execute("CREATE SCHEMA IF NOT EXISTS " + storage);
            sql.execute("CREATE TABLE " + storage + ".bucket_probe (id bigint)");
            // The heartbeat and checkpoint request messages (RelayMessages), and positions.
            sql.executeQuery("SELECT pg_logical_emit_message(true, 'relay', 'heartbeat'), pg_current_wal_lsn()").close();
            assertThatThrownBy(() -> sql.execute("INSERT INTO public." + bridge.getProperty("relay.checkpoints.table")
                    + " (user_id, client_id, checkpoint) VALUES ('u', 'c', 1)")).as("the bridge only reads the application's tables")
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theBridgesRoleCreatesItsLogicalReplicationSlot() throws SQLException {
        Properties replication = new Properties();
        PGProperty.USER.set(replication, BRIDGE_ROLE);
        PGProperty.REPLICATION.set(replication, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(replication, "10");
        PGProperty.PREFER_QUERY_MODE.set(replication, "simple");
        String slot = bridge.getProperty("relay.replication.slot");
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), replication)) {
            connection.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical().withSlotName(slot)
                    .withOutputPlugin("pgoutput").make();
        }
        try (Connection replicator = login(BRIDGE_ROLE); Statement sql = replicator.createStatement()) {
            sql.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void theApplicationsRoleOwnsAndWritesTheTablesAndCreatesItsOwnSchemas() throws SQLException {
        try (Connection owner = login(OWNER); Statement sql = owner.createStatement()) {
            try (ResultSet others = sql.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '" + OWNER + "'")) {
                others.next();
                assertThat(others.getInt(1)).as("public tables owned by someone else").isZero();
            }
            sql.execute("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES ('alice', 'phone', 1)");
            // upload-api and write-applier keep their own bookkeeping in schemas they create.
            sql.execute("CREATE SCHEMA IF NOT EXISTS relay_upload");
            sql.execute("CREATE SCHEMA IF NOT EXISTS relay_applier");
        }
    }

    /** A login as {@code role} (the embedded PostgreSQL trusts local connections: no password). */
    private static Connection login(String role) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), role, "");
    }
}
