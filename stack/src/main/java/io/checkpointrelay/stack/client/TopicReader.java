package io.checkpointrelay.stack.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the start of every partition, for tests, without a consumer group (so no
 * service's position moves) and committed records only.
 */
public final class TopicReader {

    private static final Duration KAFKA_CALL = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration READ_TO_END_LIMIT = Duration.ofSeconds(60);

    private TopicReader() {
    }

    /**
     * Every record committed before this call: read up to each partition's last stable offset as
     * of the call, so a slow machine cannot end the read early.
     */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = fromStart(bootstrapServers, topic)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), KAFKA_CALL);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TO_END_LIMIT.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), KAFKA_CALL) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " not read to " + ends + " within " + READ_TO_END_LIMIT.toSeconds() + " s");
                }
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }

    /** The records read until {@code enough} holds for them, or what was read when {@code wait} is over. */
    public static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrapServers, String topic, Duration wait,
            Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        try (KafkaConsumer<String, byte[]> consumer = fromStart(bootstrapServers, topic)) {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (!enough.test(records) && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(records::add);
            }
            return records;
        }
    }

    private static KafkaConsumer<String, byte[]> fromStart(String bootstrapServers, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, KAFKA_CALL).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }
}
