package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedInfrastructureTest {

    @Test
    void postgresIsReadyForLogicalReplicationAndKeepsDataAcrossRestart() throws Exception {
        try (LocalPostgres pg = LocalPostgres.startTemporary()) {
            pg.createDatabase("app");
            pg.execute("app", "CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1)");
            try (Connection c = pg.connect("app"); ResultSet rs = c.createStatement().executeQuery("SHOW wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
            pg.stop();
            pg.start();
            try (Connection c = pg.connect("app"); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void kafkaCarriesRecordsOnDeclaredTopics() throws Exception {
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            kafka.createTopic("smoke", 2);
            kafka.createTopic("smoke", 2); // idempotent
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("smoke", "k", "v")).get();
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("smoke"));
                int seen = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen == 0 && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    seen += records.count();
                }
                assertThat(seen).isEqualTo(1);
            }
            try (var admin = kafka.admin()) {
                assertThat(admin.describeTopics(List.of("smoke")).allTopicNames().get().get("smoke").partitions()).hasSize(2);
            }
        }
    }
}
