package io.checkpointrelay.applier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.LocalKafka;
import io.checkpointrelay.stack.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL with the demo tables (database {@code app}) and a real Kafka with the
 * uploads topic, for the lifetime of one Quarkus test application. Tests reach both through
 * {@link InjectStack} fields.
 */
public class RelayStackResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "app";
    public static final int PARTITIONS = 4;

    private LocalPostgres postgres;
    private LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        try {
            postgres = LocalPostgres.startTemporary();
            postgres.createDatabase(DATABASE);
            postgres.execute(DATABASE, Files.readString(Path.of("../../deploy/demo/schema.sql")));
            kafka = LocalKafka.startTemporary();
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
                "quarkus.datasource.username", LocalPostgres.USER,
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
