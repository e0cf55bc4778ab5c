package io.checkpointrelay.stack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL 17 a stack and its tests talk to, configured for logical replication: the
 * embedded {@link LocalPostgres} or a container ({@link Infrastructure}). Both accept
 * {@link #user()} without a password (trust authentication), so services need no password setting.
 */
public interface PostgresServer extends AutoCloseable {

    /** The superuser every connection uses. */
    String user();

    String jdbcUrl(String database);

    /** The URL form the Vert.x reactive client takes. */
    String reactiveUrl(String database);

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), "");
    }

    /** Creates the database unless it exists. */
    default void createDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** Runs a script of statements separated by semicolons (no semicolons inside literals). */
    default void execute(String database, String script) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(script);
        }
    }

    /**
     * Whether this kind of server offers {@link #stop()} and {@link #start()} (a restart on the same
     * port with the same data) at all; fault tests that need it check it through
     * {@link TestInfrastructure#assumeRestartable}.
     */
    default boolean restartable() {
        return true;
    }

    /** Stops the server, keeping its data, to simulate a database outage. */
    void stop() throws Exception;

    /** Starts the server again on the same port and data, after {@link #stop()}. */
    void start() throws Exception;
}
