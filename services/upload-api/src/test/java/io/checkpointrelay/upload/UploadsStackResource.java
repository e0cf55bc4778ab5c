package io.checkpointrelay.upload;

import java.nio.file.Files;
import java.util.Map;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.KafkaBroker;
import io.checkpointrelay.stack.LocalPostgres;
import io.checkpointrelay.stack.Ports;
import io.checkpointrelay.stack.PostgresServer;
import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka with the uploads topic created as an operator would (topics are never
 * auto-created), and a real PostgreSQL with the demo application's tables (whose owners the
 * service checks), where the service creates its checkpoint request table itself; both
 * {@link TestInfrastructure selected}: embedded or containers. Every test class names this one
 * resource, so they share one stack and one application start.
 */
public class UploadsStackResource implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 4;
    static final String DATABASE = "app";

    /** Init arg: {@code "down"} points the service at a port where no database listens. */
    static final String DATABASE_ARG = "database";

    private boolean databaseDown;
    private KafkaBroker kafka;
    private PostgresServer postgres;

    @Override
    public void init(Map<String, String> initArgs) {
        databaseDown = "down".equals(initArgs.get(DATABASE_ARG));
    }

    @Override
    public Map<String, String> start() {
        Infrastructure infrastructure = TestInfrastructure.selected();
        try {
            kafka = infrastructure.startKafka();
            kafka.createTopic(Topics.UPLOADS, PARTITIONS);
            kafka.createTopic(Topics.CHECKPOINT_EVENTS, PARTITIONS);
            if (!databaseDown) {
                postgres = infrastructure.startPostgres();
                postgres.createDatabase(DATABASE);
                postgres.execute(DATABASE, Files.readString(RelayHome.find().demoSchemaSql()));
            }
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Cannot start Kafka and PostgreSQL for the tests", e);
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.datasource.reactive.url", databaseDown
                        ? "postgresql://localhost:" + Ports.free() + "/" + DATABASE
                        : postgres.reactiveUrl(DATABASE),
                "quarkus.datasource.username", LocalPostgres.USER);
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop Kafka and PostgreSQL", e);
        }
    }
}
