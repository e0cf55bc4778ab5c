package io.checkpointrelay.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.protocol.upload.DeadLetter;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.protocol.upload.QueuedBatchSerde;
import io.checkpointrelay.stack.PostgresServer;
import io.checkpointrelay.stack.client.TopicReader;

/**
 * The test's side of the infrastructure: queue records the way upload-api does (same key,
 * same serializer) and read the application database directly with JDBC.
 */
public final class Stack {

    private final PostgresServer postgres;
    private final String bootstrapServers;

    Stack(PostgresServer postgres, String bootstrapServers) {
        this.postgres = postgres;
        this.bootstrapServers = bootstrapServers;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /** Queues the batches in order, each keyed by its client, and waits until Kafka acknowledged them. */
    public List<RecordMetadata> send(QueuedBatch... batches) {
        Properties props = producerProperties();
        try (KafkaProducer<String, QueuedBatch> producer = new KafkaProducer<>(props, new StringSerializer(),
                new QueuedBatchSerde.BatchSerializer())) {
            List<RecordMetadata> sent = new ArrayList<>();
            for (QueuedBatch batch : batches) {
                sent.add(producer.send(new ProducerRecord<>(Topics.UPLOADS, batch.clientKey().toKafkaKey(), batch))
                        .get(30, TimeUnit.SECONDS));
            }
            return sent;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the batches", e);
        }
    }

    /** Queues a record whose value is whatever bytes the test wants, e.g. bytes that are no batch. */
    public RecordMetadata sendRaw(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(Topics.UPLOADS, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the record", e);
        }
    }

    /** Where the consumer group resumes in a record's partition: the offset after the last committed record, or 0. */
    public long committedOffset(String groupId, RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(partition);
            return committed == null ? 0 : committed.offset();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the offsets of group " + groupId, e);
        }
    }

    /** Every record on the dead-letter topic so far, keyed as they were sent. */
    public List<ConsumerRecord<String, DeadLetter>> deadLetters() {
        return records(Topics.DEAD_LETTERS, DeadLetter::fromBytes);
    }

    /** Every lifecycle event emitted so far. */
    public List<CheckpointEvent> events() {
        return records(Topics.CHECKPOINT_EVENTS, bytes -> LifecycleJson.fromBytes(bytes, CheckpointEvent.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private <T> List<ConsumerRecord<String, T>> records(String topic, Function<byte[], T> decode) {
        return TopicReader.readToEnd(bootstrapServers, topic).stream()
                .map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), decode.apply(r.value()))).toList();
    }

    /** The first row of a query as column name to value, read in its own snapshot. */
    public Optional<Map<String, Object>> row(String sql, Object... parameters) {
        try (Connection connection = postgres.connect(RelayStackResource.DATABASE);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    // pgjdbc hands out timestamptz as java.sql.Timestamp unless asked for the java.time type.
                    Object value = "timestamptz".equals(meta.getColumnTypeName(i))
                            ? rs.getObject(i, OffsetDateTime.class)
                            : rs.getObject(i);
                    row.put(meta.getColumnLabel(i), value);
                }
                return Optional.of(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + sql, e);
        }
    }

    /** The stored checkpoint of a client, if it has one. */
    public Optional<Long> checkpoint(String userId, String clientId) {
        return row("SELECT checkpoint FROM checkpoints WHERE user_id = ? AND client_id = ?", userId, clientId)
                .map(r -> (Long) r.get("checkpoint"));
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }
}
