package io.checkpointrelay.bridge.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.KafkaBroker;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The bridge with {@code relay.checkpoints.managed-fulfilment=upload-queue}, on its own temporary
 * PostgreSQL and a temporary Kafka with the uploads topic (both {@link TestInfrastructure selected}).
 */
public class UploadQueueFulfilment implements QuarkusTestProfile {

    public static final String TOPIC = "relay.uploads";

    /** Brokers of the running Kafka, for the test's consumer. */
    public static volatile String bootstrapServers;

    /** {@link PostgresResource} plus Kafka. */
    public static class PostgresAndKafka extends PostgresResource {

        private KafkaBroker kafka;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            Infrastructure infrastructure = TestInfrastructure.selected();
            try {
                kafka = infrastructure.startKafka();
                kafka.createTopic(TOPIC, 2);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start Kafka for the tests", e);
            }
            bootstrapServers = kafka.bootstrapServers();
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            config.put("relay.checkpoints.managed-fulfilment", "upload-queue");
            return config;
        }

        @Override
        public void stop() {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                super.stop();
            }
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresAndKafka.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
