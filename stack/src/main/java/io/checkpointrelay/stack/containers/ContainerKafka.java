package io.checkpointrelay.stack.containers;

import org.testcontainers.kafka.KafkaContainer;

import io.checkpointrelay.stack.KafkaBroker;

/** A single KRaft node in a container, with the broker settings of {@link io.checkpointrelay.stack.LocalKafka}. */
final class ContainerKafka implements KafkaBroker {

    static final String IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafka launch() {
        @SuppressWarnings("resource") // closed by ContainerKafka.close
        KafkaContainer container = new KafkaContainer(IMAGE)
                // As LocalKafka: a topic the code forgets to declare fails here as on a managed cluster.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "5")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_LOG_FLUSH_INTERVAL_MESSAGES", "1000");
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    /** A container restarted by Docker comes back on other host ports, which clients would not find. */
    @Override
    public boolean restartable() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("A Kafka container cannot be stopped and started again on the same address");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("A Kafka container cannot be stopped and started again on the same address");
    }

    @Override
    public void close() {
        container.close();
    }
}
