package io.checkpointrelay.tracker.topology;

import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.APPLIED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.DELIVERED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REPLICATED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REQUESTED;
import static io.checkpointrelay.tracker.topology.TrackerDriver.FORGET_AFTER;
import static io.checkpointrelay.tracker.topology.TrackerDriver.FORGET_CHECK_INTERVAL;
import static io.checkpointrelay.tracker.topology.TrackerDriver.event;
import static io.checkpointrelay.tracker.topology.TrackerDriver.repost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.WaitingStage;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.state.ClientState;
import io.checkpointrelay.tracker.state.StageMark;

/**
 * relay.tracker.forget-after (an hour here): clients with no event for that long leave the
 * stores and the clients topic, a bounded number per forget check (two here, every 10 s).
 */
class ForgettingClientsTest {

    private static final ClientKey ANN = new ClientKey("ann", "device-1");
    private static final ClientKey BOB = new ClientKey("bob", "device-2");

    @TempDir
    Path stateDir;

    private TrackerDriver tracker;

    @BeforeEach
    void start() {
        tracker = new TrackerDriver(stateDir);
    }

    @AfterEach
    void stop() {
        tracker.close();
    }

    @Test
    void aClientIsForgottenOnceItHadNoEventForTheRetentionAndNotBefore() {
        Instant t = tracker.now();
        tracker.send(event(ANN, REQUESTED, 5, t), event(ANN, APPLIED, 5, t), event(ANN, REPLICATED, 5, t), event(ANN, DELIVERED, 5, t));
        tracker.send(event(BOB, REQUESTED, 3, t), event(BOB, DELIVERED, 3, t));
        tracker.advance(Duration.ofMinutes(30));
        // Bob's next request, half an hour later, keeps him another hour.
        tracker.send(event(BOB, REQUESTED, 4, tracker.now()), event(BOB, DELIVERED, 4, tracker.now()));
        tracker.publishedRecords();

        tracker.advance(FORGET_AFTER.minus(Duration.ofMinutes(30)).minus(FORGET_CHECK_INTERVAL));
        assertThat(tracker.state(ANN)).as("59 min 50 s without an event").isNotNull();
        assertThat(tracker.globalState(ANN)).isNotNull();

        tracker.advance(FORGET_CHECK_INTERVAL);
        assertThat(tracker.state(ANN)).as("an hour without an event").isNull();
        assertThat(tracker.globalState(ANN)).as("the tombstone reached every instance's copy").isNull();
        assertThat(tracker.publishedRecords()).as("a tombstone on the clients topic").containsExactly(new KeyValue<>(ANN.toKafkaKey(), null));
        assertThat(tracker.state(BOB).requested().requestId()).isEqualTo(4);
        assertThat(tracker.globalState(BOB)).isNotNull();
        assertThat(forgotten(false)).isEqualTo(1);

        tracker.advance(Duration.ofMinutes(30));
        assertThat(tracker.state(BOB)).isNull();
        assertThat(tracker.publishedRecords()).containsExactly(new KeyValue<>(BOB.toKafkaKey(), null));
        assertThat(forgotten(false)).isEqualTo(2);
        assertThat(tracker.alerts()).isEmpty();
    }

    @Test
    void repostsKeepAWaitingClient() {
        Instant first = tracker.now();
        tracker.send(event(ANN, REQUESTED, 9, first));
        for (int i = 0; i < 4; i++) {
            tracker.advance(Duration.ofMinutes(20));
            tracker.send(repost(ANN, 9, tracker.now()));
        }
        assertThat(tracker.state(ANN)).as("80 minutes waiting, the latest re-post 0 minutes ago").isNotNull();
        assertThat(tracker.state(ANN).waitingSince()).isEqualTo(first);
        assertThat(forgotten(false) + forgotten(true)).isZero();
    }

    @Test
    void aForgottenClientThatComesBackStartsFreshWhateverItsId() {
        Instant t = tracker.now();
        tracker.send(event(ANN, REQUESTED, 57, t), event(ANN, APPLIED, 57, t), event(ANN, REPLICATED, 57, t),
                event(ANN, DELIVERED, 57, t));
        tracker.advance(FORGET_AFTER.plus(FORGET_CHECK_INTERVAL));
        assertThat(tracker.state(ANN)).isNull();

        // A late event of the forgotten client, made before it was forgotten, does not bring it back.
        tracker.send(event(ANN, REQUESTED, 56, t.plusSeconds(1)));
        assertThat(tracker.state(ANN)).isNull();
        assertThat(tracker.registry.counter("relay.tracker.skipped.events", "reason", "stale").count()).isEqualTo(1);

        // Cleared and back, after upload-api forgot its id too: "1" is its first request, no restart.
        Instant back = tracker.now();
        tracker.send(event(ANN, REQUESTED, 1, back));
        ClientState state = tracker.state(ANN);
        assertThat(state.requested()).isEqualTo(new StageMark(1, back));
        assertThat(state.delivered()).isNull();
        assertThat(state.counterRestarts()).isZero();
        assertThat(state.waitingIn()).isEqualTo(WaitingStage.QUEUED);
        assertThat(state.waitingSince()).isEqualTo(back);
        assertThat(tracker.globalState(ANN)).isEqualTo(state);
        assertThat(tracker.registry.counter("relay.tracker.counter.restarts").count()).isZero();

        tracker.advance(TrackerDriver.STUCK_AFTER);
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::requestId, ClientAlert::since)
                .as("its new wait is tracked like any other").containsExactly(tuple(ClientAlert.Type.STUCK, 1L, back));
        tracker.send(event(ANN, DELIVERED, 1, tracker.now()));
        assertThat(tracker.alerts()).extracting(ClientAlert::type).containsExactly(ClientAlert.Type.RECOVERED);
    }

    @Test
    void aStuckClientIsForgottenWithoutAnAlertAndLeavesTheStuckCount() {
        Instant t = tracker.now();
        tracker.send(event(ANN, REQUESTED, 1, t), event(ANN, APPLIED, 1, t), event(ANN, REPLICATED, 1, t));
        tracker.advance(TrackerDriver.STUCK_AFTER);
        assertThat(tracker.alerts()).extracting(ClientAlert::type).containsExactly(ClientAlert.Type.STUCK);
        assertThat(stuckGauge()).isEqualTo(1);
        assertThat(tracker.inWaitingIndex(ANN)).isTrue();

        tracker.advance(FORGET_AFTER);
        tracker.advance(TrackerDriver.CHECK_INTERVAL);
        assertThat(tracker.state(ANN)).isNull();
        assertThat(tracker.inWaitingIndex(ANN)).isFalse();
        assertThat(tracker.globalState(ANN)).as("what GET /clients/stuck reads").isNull();
        assertThat(stuckGauge()).isZero();
        assertThat(tracker.alerts()).as("no recovered: the wait did not end, it was forgotten").isEmpty();
        assertThat(forgotten(true)).isEqualTo(1);
        assertThat(forgotten(false)).isZero();
    }

    @Test
    void eachForgetCheckExaminesABoundedNumberOfClientsAndTheNextOneGoesOn() {
        Instant t = tracker.now();
        List<ClientKey> old = IntStream.rangeClosed(1, 5).mapToObj(i -> new ClientKey("old-" + i, "device")).toList();
        old.forEach(client -> tracker.send(event(client, REQUESTED, 1, t), event(client, DELIVERED, 1, t)));
        ClientKey recent = new ClientKey("recent", "device");
        Instant later = t.plus(Duration.ofMinutes(30));
        tracker.send(event(recent, REQUESTED, 1, later), event(recent, DELIVERED, 1, later));
        tracker.publishedRecords();

        // The first forget check, an hour on. The store in key order: old-1 .. old-5, recent.
        tracker.advance(FORGET_AFTER);
        assertThat(tombstones()).containsExactly(old.get(0).toKafkaKey(), old.get(1).toKafkaKey());
        tracker.advance(FORGET_CHECK_INTERVAL);
        assertThat(tombstones()).containsExactly(old.get(2).toKafkaKey(), old.get(3).toKafkaKey());
        tracker.advance(FORGET_CHECK_INTERVAL);
        assertThat(tombstones()).containsExactly(old.get(4).toKafkaKey());
        assertThat(old).allMatch(client -> tracker.state(client) == null);
        assertThat(tracker.state(recent)).isNotNull();

        tracker.advance(FORGET_CHECK_INTERVAL);
        assertThat(tombstones()).as("starting over, nothing more to forget yet").isEmpty();
        tracker.advance(Duration.ofMinutes(30));
        assertThat(tombstones()).containsExactly(recent.toKafkaKey());
        assertThat(forgotten(false)).isEqualTo(6);
    }

    private List<String> tombstones() {
        return tracker.publishedRecords().stream().filter(record -> record.value == null).map(record -> record.key).toList();
    }

    private double forgotten(boolean stuck) {
        return tracker.registry.get("relay.tracker.forgotten.clients").tag("stuck", Boolean.toString(stuck)).counter().count();
    }

    private double stuckGauge() {
        return tracker.registry.get("relay.tracker.stuck.clients").gauge().value();
    }
}
