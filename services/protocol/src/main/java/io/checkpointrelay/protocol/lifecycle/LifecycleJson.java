package io.checkpointrelay.protocol.lifecycle;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON encoding of lifecycle events and alerts on Kafka, shared by the services that
 * emit them and by checkpoint-tracker (as Kafka serializers, deserializers and Streams serdes).
 */
public final class LifecycleJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private LifecycleJson() {
    }

    public static byte[] toBytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("Cannot encode " + value, e);
        }
    }

    /** @throws SerializationException when the bytes are not a {@code type} */
    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new SerializationException("Not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static <T> Serde<T> serde(Class<T> type) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : toBytes(value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes, type);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** Kafka serializer for {@code value.serializer} of the services that emit events. */
    public static class EventSerializer implements Serializer<CheckpointEvent> {
        @Override
        public byte[] serialize(String topic, CheckpointEvent event) {
            return event == null ? null : toBytes(event);
        }
    }
}
