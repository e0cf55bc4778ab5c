package io.checkpointrelay.upload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.protocol.upload.QueuedBatchSerde;

/**
 * Reads the uploads topic from the beginning with a plain consumer, as the write-applier
 * would. Because one client's records share a partition and keep their order, "every record
 * of this client up to a marker batch" is exactly what the service queued for it before the marker.
 */
final class UploadsTopic implements AutoCloseable {

    private final KafkaConsumer<String, QueuedBatch> consumer;
    private final List<ConsumerRecord<String, QueuedBatch>> seen = new ArrayList<>();

    UploadsTopic() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "upload-api-test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new QueuedBatchSerde.BatchDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.UPLOADS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The records with this key, in order, up to and including the one holding {@code markerBatchId}. */
    List<ConsumerRecord<String, QueuedBatch>> recordsUntil(String key, String markerBatchId) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            List<ConsumerRecord<String, QueuedBatch>> forKey = new ArrayList<>();
            for (ConsumerRecord<String, QueuedBatch> record : seen) {
                if (record.key().equals(key)) {
                    forKey.add(record);
                    if (record.value().batchId().equals(markerBatchId)) {
                        return forKey;
                    }
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Batch " + markerBatchId + " with key " + key + " never reached the topic");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    /**
     * Every record of this user on the topic now, whatever its client: reads every partition up
     * to its end offset as of this call. The service answers only after Kafka acknowledged, so
     * whatever a request queued before its answer is below those offsets.
     */
    List<ConsumerRecord<String, QueuedBatch>> recordsOfUserNow(String userId) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        Instant deadline = Instant.now().plusSeconds(20);
        while (end.entrySet().stream().anyMatch(partition -> consumer.position(partition.getKey()) < partition.getValue())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Cannot read the uploads topic up to " + end);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        return seen.stream().filter(record -> ClientKey.fromKafkaKey(record.key()).userId().equals(userId)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
