package io.checkpointrelay.events;

import java.util.Optional;
import java.util.Properties;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.checkpointrelay.protocol.InstanceName;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A service's emitter of checkpoint-request lifecycle events (docs/EVENTS.md). Every method
 * returns at once and never fails: events go through {@link LifecyclePublisher}'s bounded
 * buffer, and what cannot be sent is counted in {@code relay_events_dropped_total}.
 */
@ApplicationScoped
public class LifecycleEvents {

    private static final Logger LOG = Logger.getLogger(LifecycleEvents.class);

    private final LifecyclePublisher publisher;
    private final String instance;

    LifecycleEvents(EventsConfig config, MeterRegistry registry, Config settings,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.instance = service + "@" + InstanceName.get();
        if (!config.enabled() || bootstrapServers.isEmpty()) {
            // sync-bridge runs without Kafka when clients write to PostgreSQL directly.
            LOG.infof("Lifecycle events are off (%s)", config.enabled() ? "no kafka.bootstrap.servers" : "relay.events.enabled=false");
            this.publisher = null;
            return;
        }
        Properties props = new Properties();
        props.putAll(KafkaClientSecurity.settings(settings));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-lifecycle-events");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.publisher = new LifecyclePublisher(new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()),
                config.topic(), config.buffer());
        FunctionCounter.builder("relay.events.published", publisher, LifecyclePublisher::published)
                .description("Lifecycle events Kafka acknowledged").register(registry);
        FunctionCounter.builder("relay.events.dropped", publisher, LifecyclePublisher::dropped)
                .description("Lifecycle events lost: buffer full, refused by Kafka, or left at shutdown").register(registry);
        Gauge.builder("relay.events.buffered", publisher, LifecyclePublisher::buffered)
                .description("Lifecycle events waiting for Kafka").register(registry);
    }

    /** upload-api: Kafka acknowledged the request; {@code repost} when it equals the stored id. */
    public void requested(ClientKey client, long requestId, boolean repost) {
        emit(CheckpointEvent.requested(client, requestId, repost, instance));
    }

    /** write-applier: the transaction with the request's checkpoint row committed. */
    public void applied(ClientKey client, long requestId) {
        emit(CheckpointEvent.applied(client, requestId, instance));
    }

    /** write-applier: the batch carrying the request was rejected (and the request fulfilled). */
    public void rejected(ClientKey client, long requestId, String reason, String deadLetter) {
        emit(CheckpointEvent.rejected(client, requestId, reason, deadLetter, instance));
    }

    /** sync-bridge: replication stored the client's checkpoint row. */
    public void replicated(ClientKey client, long requestId) {
        emit(CheckpointEvent.replicated(client, requestId, instance));
    }

    /** sync-bridge: a stream sent the client a checkpoint whose write_checkpoint is {@code requestId}. */
    public void delivered(ClientKey client, long requestId) {
        emit(CheckpointEvent.delivered(client, requestId, instance));
    }

    private void emit(CheckpointEvent event) {
        if (publisher != null) {
            publisher.publish(event);
        }
    }

    @PreDestroy
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
