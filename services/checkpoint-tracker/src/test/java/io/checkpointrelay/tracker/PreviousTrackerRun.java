package io.checkpointrelay.tracker;

import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.APPLIED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.DELIVERED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REPLICATED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REQUESTED;
import static io.checkpointrelay.stack.client.LifecycleTopics.event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.stack.client.LifecycleTopics;
import io.checkpointrelay.tracker.metrics.TrackerMetrics;
import io.checkpointrelay.tracker.topology.TrackerSettings;
import io.checkpointrelay.tracker.topology.TrackerTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A tracker instance that ran before the application under test: it folds events of four
 * clients (three left waiting, one in each stage, and one delivered), marks the three stuck, and
 * stops for good, its local state deleted. The application then starts on an empty state
 * directory with the same application id and must rebuild all of it from Kafka.
 */
final class PreviousTrackerRun {

    static final String APPLICATION_ID = "checkpoint-tracker-test";
    static final String INSTANCE = "checkpoint-tracker@previous-run";
    static final ClientKey QUEUED = new ClientKey("previous-queued", "device");
    static final ClientKey APPLIED_ONLY = new ClientKey("previous-applied", "device");
    static final ClientKey REPLICATED_ONLY = new ClientKey("previous-replicated", "device");
    static final ClientKey DELIVERED_ALL = new ClientKey("previous-delivered", "device");

    private PreviousTrackerRun() {
    }

    /** @return when the clients started waiting */
    static Instant run(String bootstrapServers, Path stateDir) throws InterruptedException, IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Stream threads do not leave the group on close (a restarting instance keeps its tasks),
        // so the group waits out this session before giving the partitions to the application.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2000);
        TrackerSettings settings = new TrackerSettings(Topics.CHECKPOINT_EVENTS, Topics.CHECKPOINT_ALERTS,
                TrackerStackResource.CLIENTS_TOPIC, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofDays(7),
                Duration.ofSeconds(10), 1000, INSTANCE);
        KafkaStreams streams = new KafkaStreams(TrackerTopology.build(settings, new TrackerMetrics(new SimpleMeterRegistry())), props);
        Instant since = Instant.now();
        try (LifecycleTopics topics = new LifecycleTopics(bootstrapServers)) {
            streams.start();
            topics.send(event(QUEUED, REQUESTED, 11, since));
            topics.send(event(APPLIED_ONLY, REQUESTED, 12, since), event(APPLIED_ONLY, APPLIED, 12, since));
            topics.send(event(REPLICATED_ONLY, REQUESTED, 13, since), event(REPLICATED_ONLY, APPLIED, 13, since),
                    event(REPLICATED_ONLY, REPLICATED, 13, since));
            // Last stage first: this client never waits, however slowly the events go out.
            topics.send(event(DELIVERED_ALL, DELIVERED, 14, since), event(DELIVERED_ALL, REPLICATED, 14, since),
                    event(DELIVERED_ALL, APPLIED, 14, since), event(DELIVERED_ALL, REQUESTED, 14, since));
            // Committed alerts mean committed state: they share the transaction.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ClientAlert> alerts = List.of();
            while (alerts.size() < 3 && System.nanoTime() < deadline) {
                alerts = topics.alerts();
                Thread.sleep(200);
            }
            if (alerts.size() != 3) {
                throw new IllegalStateException("The earlier tracker run did not mark three clients stuck: " + alerts);
            }
        } finally {
            streams.close(Duration.ofSeconds(30));
            deleteRecursively(stateDir);
        }
        return since;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
