package io.checkpointrelay.tracker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.KafkaBroker;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka ({@link TestInfrastructure selected}: in-JVM or a container) with the tracker's
 * topics created as an operator would, and the traces of an earlier tracker instance on it
 * ({@link PreviousTrackerRun}). The application starts with the same application id on a new,
 * empty state directory.
 */
public class TrackerStackResource implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 3;
    static final String CLIENTS_TOPIC = "relay.checkpoint-tracker.clients";
    /** Config key under which the test finds when the earlier run's clients started waiting. */
    static final String PREVIOUS_SINCE = "test.previous-run.since";

    private KafkaBroker kafka;

    @Override
    public Map<String, String> start() {
        Instant since;
        Path stateDir;
        Infrastructure infrastructure = TestInfrastructure.selected();
        try {
            kafka = infrastructure.startKafka();
            kafka.createTopic(Topics.CHECKPOINT_EVENTS, PARTITIONS);
            kafka.createTopic(Topics.CHECKPOINT_ALERTS, PARTITIONS);
            kafka.createTopic(CLIENTS_TOPIC, PARTITIONS, 1, Map.of("cleanup.policy", "compact"));
            since = PreviousTrackerRun.run(kafka.bootstrapServers(), Files.createTempDirectory("tracker-previous-run"));
            stateDir = Files.createTempDirectory("tracker-state");
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Cannot start Kafka with an earlier tracker run for the tests", e);
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.kafka-streams.application-id", PreviousTrackerRun.APPLICATION_ID,
                "relay.tracker.clients-topic", CLIENTS_TOPIC,
                "kafka-streams.state.dir", stateDir.toString(),
                PREVIOUS_SINCE, since.toString());
    }

    @Override
    public void stop() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop Kafka", e);
        }
    }
}
