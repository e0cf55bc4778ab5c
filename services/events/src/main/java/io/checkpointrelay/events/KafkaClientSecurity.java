package io.checkpointrelay.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;

/**
 * The client settings of a secured Kafka cluster (TLS, SASL), which a deployment sets once per
 * service as {@code kafka.*} keys (env {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM},
 * {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_CERTIFICATES}, ...). SmallRye's Kafka
 * channels read every {@code kafka.*} key themselves; producers a service builds by hand (the
 * lifecycle events, sync-bridge's checkpoint request queue) add these, so that one set of
 * variables reaches every client of the service. A plain-text Kafka needs none of them.
 */
public final class KafkaClientSecurity {

    /** The Kafka client keys, without the {@code kafka.} prefix. */
    public static final List<String> KEYS = List.of(
            "security.protocol",
            "sasl.mechanism",
            "sasl.jaas.config",
            "ssl.truststore.type",
            "ssl.truststore.location",
            "ssl.truststore.password",
            "ssl.truststore.certificates",
            "ssl.keystore.type",
            "ssl.keystore.location",
            "ssl.keystore.password",
            "ssl.keystore.certificate.chain",
            "ssl.keystore.key",
            "ssl.key.password",
            "ssl.endpoint.identification.algorithm");

    private KafkaClientSecurity() {
    }

    /** The keys of {@link #KEYS} that are set (as {@code kafka.<key>} or its environment variable), for a client's properties. */
    public static Map<String, String> settings(Config config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : KEYS) {
            config.getOptionalValue("kafka." + key, String.class).filter(value -> !value.isBlank())
                    .ifPresent(value -> settings.put(key, value));
        }
        return settings;
    }
}
