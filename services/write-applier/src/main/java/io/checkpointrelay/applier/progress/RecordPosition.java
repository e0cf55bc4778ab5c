package io.checkpointrelay.applier.progress;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where a record sits in Kafka: its topic, partition and offset. */
public record RecordPosition(String topic, int partition, long offset) {

    public static RecordPosition of(ConsumerRecord<?, ?> record) {
        return new RecordPosition(record.topic(), record.partition(), record.offset());
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
