package io.checkpointrelay.applier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.KafkaBroker;
import io.checkpointrelay.stack.PostgresServer;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL with the demo tables (database {@code app}) and a real Kafka with the
 * uploads topic ({@link TestInfrastructure selected}: embedded or containers), for the lifetime
 * of one Quarkus test application. Tests reach both through {@link InjectStack} fields.
 */
public class RelayStackResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "app";
    public static final int PARTITIONS = 4;

    private PostgresServer postgres;
    private KafkaBroker kafka;

    @Override
    public Map<String, String> start() {
        Infrastructure infrastructure = TestInfrastructure.selected();
        try {
            postgres = infrastructure.startPostgres();
            postgres.createDatabase(DATABASE);
            postgres.execute(DATABASE, Files.readString(Path.of("../../deploy/demo/schema.sql")));
            kafka = infrastructure.startKafka();
            kafka.createTopic(Topics.UPLOADS, PARTITIONS);
            kafka.createTopic(Topics.DEAD_LETTERS, PARTITIONS);
            kafka.createTopic(Topics.CHECKPOINT_EVENTS, PARTITIONS);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Cannot start PostgreSQL and Kafka for the tests", e);
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(DATABASE),
                "quarkus.datasource.username", postgres.user(),
                "relay.schema.file", "../../deploy/demo/app-schema.yaml");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(new Stack(postgres, kafka.bootstrapServers()),
                new TestInjector.AnnotatedAndMatchesType(InjectStack.class, Stack.class));
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
            throw new IllegalStateException("Cannot stop PostgreSQL and Kafka", e);
        }
    }
}
