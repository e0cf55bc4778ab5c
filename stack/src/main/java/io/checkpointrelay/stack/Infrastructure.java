package io.checkpointrelay.stack;

import java.nio.file.Path;

/**
 * Where a stack's Kafka and PostgreSQL come from: {@link #EMBEDDED} (in this JVM and a child
 * process, the default everywhere) or containers (tests only, see {@link TestInfrastructure}).
 */
public interface Infrastructure {

    /** {@link LocalKafka} and {@link LocalPostgres}. */
    Infrastructure EMBEDDED = new EmbeddedInfrastructure();

    /** The value of {@value TestInfrastructure#PROPERTY} that selects it. */
    String name();

    /**
     * Starts Kafka.
     *
     * @param dataDirectory where its data lives, kept across {@link KafkaBroker#stop()} and
     *                      {@link KafkaBroker#start()}; null for a temporary broker that cannot be restarted
     * @param brokers       how many brokers; more than one only where {@link #offersBrokerClusters()}
     */
    KafkaBroker startKafka(Path dataDirectory, int brokers) throws Exception;

    /** Whether {@link #startKafka(Path, int)} can start several brokers that stop one by one. */
    default boolean offersBrokerClusters() {
        return false;
    }

    /**
     * Starts PostgreSQL.
     *
     * @param dataDirectory where its data lives, reused when it holds a cluster; null for a temporary server
     * @param port          with a data directory, the port to listen on (0 for a free one); a temporary
     *                      server and a container always get a free one
     */
    PostgresServer startPostgres(Path dataDirectory, int port) throws Exception;

    /** A temporary broker, gone with {@link KafkaBroker#close()}. */
    default KafkaBroker startKafka() throws Exception {
        return startKafka(null, 1);
    }

    /** A temporary server on a free port, gone with {@link PostgresServer#close()}. */
    default PostgresServer startPostgres() throws Exception {
        return startPostgres(null, 0);
    }
}
