package io.checkpointrelay.tracker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.protocol.upload.ClientKey;

/** Emits lifecycle events as the services do, and reads the committed alerts. */
public final class LifecycleTopics implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, CheckpointEvent> producer;

    public LifecycleTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new LifecycleJson.EventSerializer());
    }

    public static CheckpointEvent event(ClientKey client, CheckpointStage stage, long requestId, Instant at) {
        return new CheckpointEvent(CheckpointEvent.VERSION, stage, client.userId(), client.clientId(), requestId, at, "test@localhost/1",
                stage == CheckpointStage.REQUESTED ? Boolean.FALSE : null, null, null);
    }

    public void send(CheckpointEvent... events) {
        try {
            for (CheckpointEvent event : events) {
                producer.send(new ProducerRecord<>(Topics.CHECKPOINT_EVENTS, event.clientKey().toKafkaKey(), event)).get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("Cannot send lifecycle events", e);
        }
    }

    /** Every committed alert on the topic, read for {@code duration}. */
    public List<ClientAlert> alerts(Duration duration) {
        List<ClientAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "alerts-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.CHECKPOINT_ALERTS));
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    alerts.add(LifecycleJson.fromBytes(record.value(), ClientAlert.class));
                }
            }
        }
        return alerts;
    }

    @Override
    public void close() {
        producer.close();
    }
}
