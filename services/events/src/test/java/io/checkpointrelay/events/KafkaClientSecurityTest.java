package io.checkpointrelay.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class KafkaClientSecurityTest {

    @Test
    void takesTheSecuritySettingsFromEnvironmentVariablesAndPropertiesAndNothingElse() {
        var config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                        "KAFKA_SSL_TRUSTSTORE_TYPE", "",
                        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093"), 300))
                .withSources(new PropertiesConfigSource(Map.of("kafka.sasl.mechanism", "SCRAM-SHA-512", "kafka.linger.ms", "7"), "test", 250))
                .build();

        assertThat(KafkaClientSecurity.settings(config)).containsExactly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";"));
    }

    @Test
    void aPlainTextKafkaNeedsNone() {
        assertThat(KafkaClientSecurity.settings(new SmallRyeConfigBuilder().build())).isEmpty();
    }
}
