package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the embedded servers offer: restarts on the same address with the same data. What
 * every infrastructure offers is in {@link SelectedInfrastructureTest}.
 */
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
    void kafkaKeepsItsAddressAndRecordsAcrossRestarts(@TempDir Path directory) throws Exception {
        try (LocalKafka kafka = LocalKafka.start(directory, 1)) {
            kafka.createTopic("restart", 1);
            String address = kafka.bootstrapServers();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("restart", "k", "before")).get();
                // Twice: the first restart leaves the test kit, the second restarts the plain server.
                for (String round : List.of("after first", "after second")) {
                    kafka.stop();
                    kafka.start();
                    assertThat(kafka.bootstrapServers()).isEqualTo(address);
                    // The same producer, created before the restarts, reconnects by itself.
                    producer.send(new ProducerRecord<>("restart", "k", round)).get();
                }
            }
            assertThat(SelectedInfrastructureTest.readInGroup(kafka, "restart", 3)).containsExactly("before", "after first", "after second");
        }
    }

    /**
     * Three brokers: a topic replicated three times with min.insync.replicas=2 takes acks=all
     * writes while its leader is down, from a producer that knew all brokers; the broker comes
     * back on its address and into the in-sync replicas, and no record is lost or doubled.
     */
    @Test
    void aClusterOfThreeKeepsTakingWritesWhileALeaderIsDownAndTakesTheBrokerBack() throws Exception {
        try (LocalKafka kafka = LocalKafka.startTemporary(3)) {
            assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
            kafka.createTopic("failover", 1);
            TopicPartition partition = new TopicPartition("failover", 0);
            try (var admin = kafka.admin()) {
                TopicPartitionInfo info = admin.describeTopics(List.of("failover")).allTopicNames().get().get("failover").partitions().getFirst();
                assertThat(info.replicas()).hasSize(3);
                assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "failover"))).all().get()
                        .values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("failover", "k", "before")).get();
                int leader = kafka.leader(partition).orElseThrow();
                kafka.stopBroker(leader);
                assertThat(kafka.leader(partition).orElseThrow()).as("leader after its broker stopped").isNotEqualTo(leader);
                producer.send(new ProducerRecord<>("failover", "k", "while down")).get();
                kafka.startBroker(leader);
                producer.send(new ProducerRecord<>("failover", "k", "after")).get();
            }
            assertThat(SelectedInfrastructureTest.readInGroup(kafka, "failover", 3)).containsExactly("before", "while down", "after");
        }
    }

    @Test
    void aTemporaryKafkaCannotBeRestarted() throws Exception {
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            assertThatIllegalStateException().isThrownBy(kafka::stop);
        }
    }
}
