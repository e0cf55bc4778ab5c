package io.checkpointrelay.tracker.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.metrics.TrackerMetrics;
import io.checkpointrelay.tracker.state.ClientState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The tracker topology in a {@link TopologyTestDriver}: events in, alerts and published states
 * out, the stores readable, and a wall clock the test moves. Events are stamped with that clock.
 */
final class TrackerDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    static final Duration STUCK_AFTER = Duration.ofSeconds(10);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    static final Duration FORGET_CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Small, so that a few clients take several forget checks. */
    static final int FORGET_CHECK_LIMIT = 2;
    static final String INSTANCE = "checkpoint-tracker@test";

    private static final TrackerSettings SETTINGS = new TrackerSettings("events", "alerts", "clients", STUCK_AFTER, CHECK_INTERVAL,
            FORGET_AFTER, FORGET_CHECK_INTERVAL, FORGET_CHECK_LIMIT, INSTANCE);

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, CheckpointEvent> events;
    private final TestOutputTopic<String, ClientAlert> alerts;
    private final TestOutputTopic<String, ClientState> published;
    private Instant now = START;

    TrackerDriver(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracker-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(TrackerTopology.build(SETTINGS, new TrackerMetrics(registry)), props, START);
        events = driver.createInputTopic("events", new StringSerializer(), LifecycleJson.serde(CheckpointEvent.class).serializer());
        alerts = driver.createOutputTopic("alerts", new StringDeserializer(), LifecycleJson.serde(ClientAlert.class).deserializer());
        published = driver.createOutputTopic("clients", new StringDeserializer(), LifecycleJson.serde(ClientState.class).deserializer());
    }

    Instant now() {
        return now;
    }

    /**
     * Moves the wall clock; each check (stuck, forget) whose time has come runs once, however
     * many of its intervals passed (as in Kafka Streams, which skips missed wall-clock checks).
     */
    void advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    /** An event of {@code client} made now. */
    CheckpointEvent event(ClientKey client, CheckpointStage stage, long id) {
        return event(client, stage, id, now);
    }

    static CheckpointEvent event(ClientKey client, CheckpointStage stage, long id, Instant at) {
        return new CheckpointEvent(CheckpointEvent.VERSION, stage, client.userId(), client.clientId(), id, at, "test@host/1",
                stage == CheckpointStage.REQUESTED ? Boolean.FALSE : null, null, null);
    }

    static CheckpointEvent repost(ClientKey client, long id, Instant at) {
        return new CheckpointEvent(CheckpointEvent.VERSION, CheckpointStage.REQUESTED, client.userId(), client.clientId(), id, at,
                "upload-api@host/1", Boolean.TRUE, null, null);
    }

    static CheckpointEvent rejected(ClientKey client, long id, Instant at, String reason, String deadLetter) {
        return new CheckpointEvent(CheckpointEvent.VERSION, CheckpointStage.REJECTED, client.userId(), client.clientId(), id, at,
                "write-applier@host/1", null, reason, deadLetter);
    }

    void send(CheckpointEvent event) {
        events.pipeInput(event.clientKey().toKafkaKey(), event, event.at());
    }

    void send(CheckpointEvent... all) {
        for (CheckpointEvent event : all) {
            send(event);
        }
    }

    void sendRaw(String key, CheckpointEvent event) {
        events.pipeInput(key, event, now);
    }

    /** The folded state in the owning task's store. */
    ClientState state(ClientKey client) {
        KeyValueStore<String, ClientState> store = driver.getKeyValueStore(TrackerTopology.STATES_STORE);
        return store.get(client.toKafkaKey());
    }

    /** The state as every instance's global store holds it (what the queries read). */
    ClientState globalState(ClientKey client) {
        KeyValueStore<String, ClientState> store = driver.getKeyValueStore(TrackerTopology.CLIENTS_STORE);
        return store.get(client.toKafkaKey());
    }

    boolean inWaitingIndex(ClientKey client) {
        KeyValueStore<String, Long> store = driver.getKeyValueStore(TrackerTopology.WAITING_STORE);
        return store.get(client.toKafkaKey()) != null;
    }

    /** The alerts sent since the last call. */
    List<ClientAlert> alerts() {
        return alerts.readValuesToList();
    }

    /** The states published since the last call. */
    List<ClientState> published() {
        return published.readValuesToList();
    }

    /** The records published since the last call, keyed: a null value is a tombstone. */
    List<KeyValue<String, ClientState>> publishedRecords() {
        return published.readKeyValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
