package io.checkpointrelay.protocol.upload;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON encoding of {@link QueuedBatch} on Kafka, shared by producer and consumer so
 * neither depends on how a framework configures its own ObjectMapper.
 */
public final class QueuedBatchSerde {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private QueuedBatchSerde() {
    }

    public static byte[] toBytes(QueuedBatch batch) {
        try {
            return JSON.writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new SerializationException("Cannot encode batch " + batch.batchId(), e);
        }
    }

    /** @throws SerializationException when the bytes are not a queued batch of a known version */
    public static QueuedBatch fromBytes(byte[] bytes) {
        try {
            QueuedBatch batch = JSON.readValue(bytes, QueuedBatch.class);
            if (batch.version() != QueuedBatch.VERSION) {
                throw new SerializationException("Unsupported queued batch version " + batch.version());
            }
            return batch;
        } catch (IOException e) {
            throw new SerializationException("Not a queued batch: " + e.getMessage(), e);
        }
    }

    /** Kafka serializer for producers ({@code value.serializer}). */
    public static class BatchSerializer implements Serializer<QueuedBatch> {
        @Override
        public byte[] serialize(String topic, QueuedBatch data) {
            return data == null ? null : toBytes(data);
        }
    }

    /** Kafka deserializer for consumers ({@code value.deserializer}). */
    public static class BatchDeserializer implements Deserializer<QueuedBatch> {
        @Override
        public QueuedBatch deserialize(String topic, byte[] data) {
            return data == null ? null : fromBytes(data);
        }
    }
}
