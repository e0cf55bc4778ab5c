package io.checkpointrelay.upload.queue;

import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.ProducerConfig;

import io.checkpointrelay.upload.config.RelayConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Producer timeouts derived from {@code relay.upload.delivery-timeout}, referenced by
 * {@code mp.messaging.outgoing.uploads.kafka-configuration}. The producer must give up on a
 * record no later than the request gives up waiting: a record delivered after its request
 * answered 503 would be applied twice once the client retries.
 */
@Singleton
public class UploadProducerSettings {

    public static final String IDENTIFIER = "relay-uploads-producer";

    @Produces
    @Identifier(IDENTIFIER)
    Map<String, Object> producerSettings(RelayConfig config) {
        long timeout = config.upload().deliveryTimeout().toMillis();
        if (timeout < 1000) {
            throw new IllegalArgumentException("relay.upload.delivery-timeout must be at least 1s, got " + timeout + " ms");
        }
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms, or the producer refuses to start.
        return Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout / 2),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
    }
}
