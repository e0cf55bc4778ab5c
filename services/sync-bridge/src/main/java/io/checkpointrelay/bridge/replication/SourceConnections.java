package io.checkpointrelay.bridge.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

/**
 * Connections outside the pool: the replication connection, the one the initial snapshot reads
 * with, and long-lived sessions. Same database and credentials as the datasource.
 */
@ApplicationScoped
public class SourceConnections {

    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;

    public SourceConnections(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * A logical replication connection. Its session time zone is UTC so timestamptz values arrive
     * in one stable text form.
     */
    public PGConnection openReplication() throws SQLException {
        Properties properties = credentials();
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        PGProperty.APPLICATION_NAME.set(properties, "relay-sync-bridge-replication");
        Connection connection = DriverManager.getConnection(url, properties);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SET TIME ZONE 'UTC'");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection.unwrap(PGConnection.class);
    }

    /**
     * A plain connection whose results come in PostgreSQL's text form (no binary transfer), so a
     * snapshot reads values exactly as pgoutput sends them.
     */
    public Connection openTextConnection() throws SQLException {
        Properties properties = credentials();
        PGProperty.BINARY_TRANSFER.set(properties, "false");
        PGProperty.APPLICATION_NAME.set(properties, "relay-sync-bridge-snapshot");
        return DriverManager.getConnection(url, properties);
    }

    /**
     * A plain connection of its own, outside the pools, for a session that must live as long as
     * its holder: the replication lease, LISTEN. The name shows in {@code pg_stat_activity}.
     */
    public Connection openSession(String applicationName) throws SQLException {
        Properties properties = credentials();
        PGProperty.APPLICATION_NAME.set(properties, applicationName);
        // Without keepalives a vanished peer could hold the session (and its lock) until the OS gives up.
        PGProperty.TCP_KEEP_ALIVE.set(properties, true);
        return DriverManager.getConnection(url, properties);
    }

    private Properties credentials() {
        Properties properties = new Properties();
        username.ifPresent(user -> PGProperty.USER.set(properties, user));
        password.ifPresent(secret -> PGProperty.PASSWORD.set(properties, secret));
        return properties;
    }
}
