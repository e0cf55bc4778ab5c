package io.checkpointrelay.stack.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.serialization.StringSerializer;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.protocol.upload.ClientKey;

/**
 * The tracker's topics seen from outside, for tests: lifecycle events produced as the services
 * emit them (without running a client through the services), and the alerts the tracker committed.
 */
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

    /** The partition of a topic with {@code partitions} partitions a client's events go to (the producer's default partitioner). */
    public static int partitionOf(ClientKey client, int partitions) {
        return Utils.toPositive(Utils.murmur2(client.toKafkaKey().getBytes(StandardCharsets.UTF_8))) % partitions;
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

    /** Every alert the tracker committed so far. */
    public List<ClientAlert> alerts() {
        return TopicReader.readToEnd(bootstrapServers, Topics.CHECKPOINT_ALERTS).stream()
                .map(record -> LifecycleJson.fromBytes(record.value(), ClientAlert.class)).toList();
    }

    @Override
    public void close() {
        producer.close();
    }
}
