package io.checkpointrelay.stack.containers;

import org.testcontainers.postgresql.PostgreSQLContainer;

import io.checkpointrelay.stack.LocalPostgres;
import io.checkpointrelay.stack.PostgresServer;

/**
 * PostgreSQL 17 in a container with the server settings of {@link LocalPostgres}: logical
 * replication, the {@code postgres} superuser and trust authentication (so services connect
 * without a password, as they do to the embedded server).
 */
final class ContainerPostgres implements PostgresServer {

    static final String IMAGE = "postgres:17";

    private final PostgreSQLContainer container;

    private ContainerPostgres(PostgreSQLContainer container) {
        this.container = container;
    }

    static ContainerPostgres launch() {
        @SuppressWarnings("resource") // closed by ContainerPostgres.close
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE)
                .withUsername(LocalPostgres.USER)
                .withDatabaseName("postgres")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCommand("postgres",
                        "-c", "wal_level=logical",
                        "-c", "max_replication_slots=20",
                        "-c", "max_wal_senders=20",
                        "-c", "max_connections=200",
                        // Speed over crash-safety, as the embedded server: the container is thrown away.
                        "-c", "fsync=off",
                        "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off");
        container.start();
        return new ContainerPostgres(container);
    }

    @Override
    public String user() {
        return LocalPostgres.USER;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + address() + "/" + database;
    }

    @Override
    public String reactiveUrl(String database) {
        return "postgresql://" + address() + "/" + database;
    }

    private String address() {
        return container.getHost() + ":" + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    /** A container restarted by Docker comes back on another host port, which clients would not find. */
    @Override
    public boolean restartable() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("A PostgreSQL container cannot be stopped and started again on the same port");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("A PostgreSQL container cannot be stopped and started again on the same port");
    }

    @Override
    public void close() {
        container.close();
    }
}
