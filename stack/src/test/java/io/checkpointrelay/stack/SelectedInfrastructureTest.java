package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGProperty;

/**
 * What the stack and the services rely on, from whichever infrastructure
 * {@link TestInfrastructure} selects: the embedded servers by default, containers with
 * {@code -Ptestcontainers} (skipped, with the reason, where Docker is missing).
 */
@UsesTestInfrastructure
class SelectedInfrastructureTest {

    private static Infrastructure infrastructure;

    @BeforeAll
    static void select() {
        infrastructure = TestInfrastructure.selected();
    }

    @Test
    void postgresTakesTheSuperuserWithoutPasswordAndLogicalReplicationConnections() throws Exception {
        try (PostgresServer postgres = infrastructure.startPostgres()) {
            postgres.createDatabase("app");
            postgres.createDatabase("app"); // idempotent
            postgres.execute("app", "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
            try (Connection db = postgres.connect("app"); Statement sql = db.createStatement()) {
                assertThat(single(sql, "SHOW wal_level")).isEqualTo("logical");
                assertThat(single(sql, "SHOW max_replication_slots")).isEqualTo("20");
                assertThat(single(sql, "SELECT count(*) FROM t")).isEqualTo("1");
            }
            // sync-bridge's connection: replication=database, as the same user, from outside the server's host.
            Properties properties = new Properties();
            PGProperty.USER.set(properties, postgres.user());
            PGProperty.REPLICATION.set(properties, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10"); // else pgjdbc leaves out the replication parameter
            PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
            try (Connection replication = DriverManager.getConnection(postgres.jdbcUrl("app"), properties);
                    Statement sql = replication.createStatement();
                    ResultSet rs = sql.executeQuery("IDENTIFY_SYSTEM")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("dbname")).isEqualTo("app");
            }
        }
    }

    @Test
    void kafkaCarriesRecordsOnDeclaredTopicsAndCreatesNoOthers() throws Exception {
        try (KafkaBroker kafka = infrastructure.startKafka()) {
            kafka.createTopic("declared", 2);
            kafka.createTopic("declared", 2); // idempotent
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("declared", 1, "k", "v")).get();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("undeclared", "k", "v")).get())
                        .isInstanceOf(ExecutionException.class);
            }
            try (var admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get()).contains("declared").doesNotContain("undeclared");
                assertThat(admin.describeTopics(List.of("declared")).allTopicNames().get().get("declared").partitions()).hasSize(2);
            }
            assertThat(readInGroup(kafka, "declared", 1)).containsExactly("v");
        }
    }

    private static String single(Statement sql, String query) throws Exception {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** As the services consume: in a consumer group, which needs the broker's offsets topic. */
    static List<String> readInGroup(KafkaBroker kafka, String topic, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }
}
