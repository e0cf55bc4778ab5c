package io.checkpointrelay.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.checkpointrelay.stack.KafkaBroker;

/**
 * How far a consumer group has come on one topic, from outside the consumer: its committed
 * offsets against the topic's end offsets, per partition (Kafka's own definition of lag).
 */
final class GroupOffsets implements AutoCloseable {

    private final Admin admin;
    private final String group;
    private final String topic;
    private final List<TopicPartition> partitions;

    GroupOffsets(KafkaBroker kafka, String group, String topic) throws ExecutionException, InterruptedException {
        this.admin = kafka.admin();
        this.group = group;
        this.topic = topic;
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        this.partitions = IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    int partitions() {
        return partitions.size();
    }

    /** The group's committed offset per partition (0 where it committed none yet). */
    long[] committed() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long[] committed = new long[partitions.size()];
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                committed[partition.partition()] = offset.offset();
            }
        });
        return committed;
    }

    /** The topic's end offset per partition. */
    long[] ends() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long[] ends = new long[partitions.size()];
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends[partition.partition()] = info.offset());
        return ends;
    }

    static long sum(long[] offsets) {
        long sum = 0;
        for (long offset : offsets) {
            sum += offset;
        }
        return sum;
    }

    @Override
    public void close() {
        admin.close();
    }
}
