package io.checkpointrelay.systemtests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.protocol.upload.QueuedBatchSerde;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.client.TopicReader;

/**
 * Writes to the uploads topic behind upload-api's back, as faults elsewhere would: a record
 * delivered twice, bytes that are not a batch. Reads topics through {@link TopicReader}, so it never
 * moves anyone's position.
 */
final class UploadsTopic implements AutoCloseable {

    private final LocalStack stack;
    private final KafkaProducer<String, byte[]> producer;

    UploadsTopic(LocalStack stack) {
        this.stack = stack;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Produces the record that carried {@code batchId} once more, byte for byte, with its key and headers. */
    void produceCopy(String batchId) throws Exception {
        ConsumerRecord<String, byte[]> original = read(Topics.UPLOADS, TestStack.WAIT, records -> records.stream()
                .anyMatch(record -> carries(record, batchId)))
                .stream().filter(record -> carries(record, batchId)).findFirst().orElseThrow();
        producer.send(new ProducerRecord<>(Topics.UPLOADS, null, original.key(), original.value(), original.headers())).get();
    }

    /** Produces {@code value} under the client's key, as if it were one of its batches. */
    void produceRaw(ClientKey key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.UPLOADS, key.toKafkaKey(), value.getBytes(StandardCharsets.UTF_8))).get();
    }

    /** The dead-letter records so far, once {@code enough} holds for them (or the wait is over). */
    List<ConsumerRecord<String, byte[]>> deadLetters(Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        return read(Topics.DEAD_LETTERS, TestStack.WAIT, enough);
    }

    /**
     * The batch ids of the records on the uploads topic, by the batch's first entry's
     * {@code data.name} (a device step's list name), in topic order per partition: shows whether
     * a batch applied twice was also queued twice, and under which ids (to find in upload-api's log).
     */
    Map<String, List<String>> batchIdsByListName() {
        Map<String, List<String>> batchIds = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readToEnd(Topics.UPLOADS)) {
            try {
                QueuedBatch batch = QueuedBatchSerde.fromBytes(record.value());
                if (!batch.entries().isEmpty() && batch.entries().getFirst().data() != null) {
                    batchIds.computeIfAbsent(batch.entries().getFirst().data().path("name").asText(), name -> new ArrayList<>())
                            .add(batch.batchId());
                }
            } catch (SerializationException e) {
                // Not a batch: nobody's step.
            }
        }
        return batchIds;
    }

    private static boolean carries(ConsumerRecord<String, byte[]> record, String batchId) {
        try {
            return batchId.equals(QueuedBatchSerde.fromBytes(record.value()).batchId());
        } catch (SerializationException e) {
            return false;
        }
    }

    private List<ConsumerRecord<String, byte[]>> readToEnd(String topic) {
        return TopicReader.readToEnd(stack.kafka().bootstrapServers(), topic);
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic, Duration wait, Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        return TopicReader.readUntil(stack.kafka().bootstrapServers(), topic, wait, enough);
    }

    @Override
    public void close() {
        producer.close();
    }
}
