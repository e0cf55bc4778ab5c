package io.checkpointrelay.bridge.checkpoint;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.checkpointrelay.bridge.config.RelayConfig;
import io.checkpointrelay.events.KafkaClientSecurity;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.protocol.upload.QueuedBatchSerde;
import io.quarkus.runtime.Startup;

/**
 * With {@code upload-queue} fulfilment, sends a managed checkpoint request through the upload
 * queue as a bare request (no entries) under the client's key, the way upload-api sends one: the
 * write-applier writes its checkpoints row only after every batch the client uploaded before it.
 * Recording the source position instead would release the client before its queued writes are
 * applied. With {@code position} fulfilment there is no producer and nothing is sent.
 */
@ApplicationScoped
@Startup
public class CheckpointRequestQueue {

    /** Kafka did not acknowledge the request in time. */
    public static class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, QueuedBatch> producer;
    private final String topic;
    private final long timeoutMillis;

    public CheckpointRequestQueue(RelayConfig config, Config settings,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> brokers) {
        RelayConfig.Checkpoints checkpoints = config.checkpoints();
        this.topic = checkpoints.uploadsTopic();
        this.timeoutMillis = checkpoints.queueTimeout().toMillis();
        if (checkpoints.managedFulfilment() != RelayConfig.ManagedFulfilment.UPLOAD_QUEUE) {
            this.producer = null;
            return;
        }
        String servers = brokers.filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "relay.checkpoints.managed-fulfilment=upload-queue needs kafka.bootstrap.servers (env KAFKA_BOOTSTRAP_SERVERS)"));
        // A secured cluster's settings (TLS, SASL), the same the lifecycle events use.
        Map<String, Object> producerSettings = new HashMap<>(KafkaClientSecurity.settings(settings));
        producerSettings.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.CLIENT_ID_CONFIG, "sync-bridge-checkpoint-requests",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMillis,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMillis, 1000),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMillis, 1000)));
        this.producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new QueuedBatchSerde.BatchSerializer());
    }

    public boolean enabled() {
        return producer != null;
    }

    /** Queues request {@code requestId} of (user, client) and waits for Kafka's acknowledgement. */
    public void send(String userId, String clientId, long requestId) throws UnavailableException {
        QueuedBatch request = QueuedBatch.checkpointRequest(userId, clientId, requestId);
        ProducerRecord<String, QueuedBatch> record = new ProducerRecord<>(topic, new ClientKey(userId, clientId).toKafkaKey(), request);
        try {
            producer.send(record).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UnavailableException("Kafka did not acknowledge the checkpoint request: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while queueing the checkpoint request", e);
        }
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
