package io.checkpointrelay.stack;

import java.nio.file.Path;

/** {@link LocalKafka} (KRaft in this JVM) and {@link LocalPostgres} (embedded PostgreSQL 17). */
final class EmbeddedInfrastructure implements Infrastructure {

    @Override
    public String name() {
        return TestInfrastructure.EMBEDDED;
    }

    @Override
    public KafkaBroker startKafka(Path dataDirectory, int brokers) throws Exception {
        return dataDirectory == null ? LocalKafka.startTemporary(brokers) : LocalKafka.start(dataDirectory, brokers);
    }

    @Override
    public boolean offersBrokerClusters() {
        return true;
    }

    @Override
    public PostgresServer startPostgres(Path dataDirectory, int port) throws Exception {
        return dataDirectory == null ? LocalPostgres.startTemporary() : LocalPostgres.startPersistent(dataDirectory, port);
    }

    @Override
    public String toString() {
        return name();
    }
}
