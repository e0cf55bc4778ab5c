package io.checkpointrelay.upload;

import java.util.Map;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.LocalKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real in-JVM Kafka for the tests, with the uploads topic created as an operator would
 * (topics are never auto-created). Every test class names this one resource, so they share
 * one Kafka and one application start.
 */
public class UploadsKafkaResource implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 4;

    private LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        try {
            kafka = LocalKafka.startTemporary();
            kafka.createTopic(Topics.UPLOADS, PARTITIONS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start Kafka for the tests", e);
        }
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot stop Kafka", e);
            }
        }
    }
}
