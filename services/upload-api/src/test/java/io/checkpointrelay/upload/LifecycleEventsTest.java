package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * upload-api tells checkpoint-tracker about each request Kafka acknowledged: standalone or in a
 * batch, a re-post marked as one, and nothing for a stale id it did not queue.
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class LifecycleEventsTest {

    @Test
    void everyQueuedRequestIsAnnouncedOnceKafkaHasItAndRepostsAreMarked() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        TestClients.requestCheckpoint(user, client, "5");
        TestClients.requestCheckpoint(user, client, "5");
        TestClients.requestCheckpoint(user, client, "3");
        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "6", "batch": []}""".formatted(client)).then().statusCode(200);

        List<CheckpointEvent> events = eventsOf(user, 3);
        assertThat(events).extracting(CheckpointEvent::stage, CheckpointEvent::clientId, CheckpointEvent::requestId, CheckpointEvent::repost)
                .containsExactly(
                        tuple(CheckpointStage.REQUESTED, client, 5L, false),
                        tuple(CheckpointStage.REQUESTED, client, 5L, true),
                        tuple(CheckpointStage.REQUESTED, client, 6L, false));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.instance()).startsWith("upload-api@");
            assertThat(event.at()).isBefore(Instant.now().plusSeconds(1));
        });
    }

    /** The user's events, once at least {@code expected} arrived (and a moment for any extra). */
    private static List<CheckpointEvent> eventsOf(String user, int expected) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHECKPOINT_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<CheckpointEvent> events = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(20);
            Instant settle = null;
            while (Instant.now().isBefore(deadline) && (settle == null || Instant.now().isBefore(settle))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    CheckpointEvent event = LifecycleJson.fromBytes(record.value(), CheckpointEvent.class);
                    if (event.userId().equals(user)) {
                        events.add(event);
                    }
                }
                if (settle == null && events.size() >= expected) {
                    settle = Instant.now().plusSeconds(1);
                }
            }
            return events;
        }
    }
}
