package io.checkpointrelay.tracker.topology;

import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.APPLIED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.DELIVERED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REPLICATED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REQUESTED;
import static io.checkpointrelay.tracker.topology.TrackerDriver.event;
import static io.checkpointrelay.tracker.topology.TrackerDriver.rejected;
import static io.checkpointrelay.tracker.topology.TrackerDriver.repost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.WaitingStage;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.state.ClientState;
import io.checkpointrelay.tracker.state.Rejection;
import io.checkpointrelay.tracker.state.StageMark;
import io.micrometer.core.instrument.Timer;

/** The fold, the stuck check and the metrics, driven through the real topology with a test wall clock. */
class TrackerTopologyTest {

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
    void stagesArrivingInReverseFoldToTheSameStateAsInOrder() {
        Instant t = tracker.now();
        List<CheckpointEvent> ann = List.of(event(ANN, REQUESTED, 5, t), event(ANN, APPLIED, 5, t.plusMillis(100)),
                event(ANN, REPLICATED, 5, t.plusMillis(200)), event(ANN, DELIVERED, 5, t.plusMillis(300)));
        List<CheckpointEvent> bob = List.of(event(BOB, REQUESTED, 5, t), event(BOB, APPLIED, 5, t.plusMillis(100)),
                event(BOB, REPLICATED, 5, t.plusMillis(200)), event(BOB, DELIVERED, 5, t.plusMillis(300)));

        ann.forEach(tracker::send);
        tracker.send(bob.get(3));
        assertThat(tracker.state(BOB).waitingIn()).as("delivered without a request: nothing to wait for").isNull();
        tracker.send(bob.get(2));
        tracker.send(bob.get(1));
        tracker.send(bob.get(0));

        ClientState inOrder = tracker.state(ANN);
        ClientState reversed = tracker.state(BOB);
        assertThat(reversed).usingRecursiveComparison().ignoringFields("userId", "clientId").isEqualTo(inOrder);
        assertThat(reversed.requested()).isEqualTo(new StageMark(5, t));
        assertThat(reversed.delivered()).isEqualTo(new StageMark(5, t.plusMillis(300)));
        assertThat(reversed.waitingIn()).isNull();
        assertThat(reversed.waitingSince()).isNull();
        assertThat(tracker.globalState(BOB)).as("published to every instance's global store").isEqualTo(reversed);

        tracker.send(event(ANN, APPLIED, 4, t.plusMillis(400)));
        tracker.send(event(ANN, REQUESTED, 4, t.minusMillis(100)));
        assertThat(tracker.state(ANN)).as("late events of an older request").isEqualTo(inOrder);

        tracker.advance(Duration.ofSeconds(30));
        assertThat(tracker.alerts()).isEmpty();
    }

    @Test
    void duplicatesChangeNothingAndPublishNothing() {
        Instant t = tracker.now();
        List<CheckpointEvent> events = List.of(event(ANN, REQUESTED, 3, t), event(ANN, APPLIED, 3, t.plusMillis(50)),
                event(ANN, REPLICATED, 3, t.plusMillis(80)), event(ANN, DELIVERED, 3, t.plusMillis(120)));
        for (CheckpointEvent e : events) {
            tracker.send(e);
            tracker.send(e);
        }
        // Emitters retrying may also send a stage again with a later time of their own.
        tracker.send(event(ANN, APPLIED, 3, t.plusMillis(500)));
        tracker.send(event(ANN, DELIVERED, 3, t.plusMillis(600)));

        ClientState state = tracker.state(ANN);
        assertThat(state.applied()).isEqualTo(new StageMark(3, t.plusMillis(50)));
        assertThat(state.delivered()).isEqualTo(new StageMark(3, t.plusMillis(120)));
        assertThat(tracker.published()).hasSize(4);
        assertThat(latency("requested", "delivered").count()).isEqualTo(1);
        assertThat(latency("requested", "delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120);
    }

    @Test
    void repostsAreCountedOnceEachAndTheWaitCountsFromTheFirstPost() {
        Instant first = tracker.now();
        tracker.send(event(ANN, REQUESTED, 9, first));
        tracker.advance(Duration.ofSeconds(3));
        CheckpointEvent repost = repost(ANN, 9, tracker.now());
        tracker.send(repost);
        tracker.send(repost);
        tracker.advance(Duration.ofSeconds(3));
        tracker.send(repost(ANN, 9, tracker.now()));
        tracker.send(repost(ANN, 8, tracker.now()));

        ClientState state = tracker.state(ANN);
        assertThat(state.reposts()).isEqualTo(2);
        assertThat(state.lastRepostAt()).isEqualTo(tracker.now());
        assertThat(state.requested()).isEqualTo(new StageMark(9, first));
        assertThat(state.waitingSince()).isEqualTo(first);
        assertThat(state.counterRestarts()).isZero();
        assertThat(tracker.registry.counter("relay.tracker.reposted.requests").count()).isEqualTo(2);

        tracker.send(event(ANN, REQUESTED, 10, tracker.now()));
        assertThat(tracker.state(ANN).reposts()).as("counted per request").isZero();
        assertThat(tracker.state(ANN).waitingSince()).as("still waiting since the first undelivered post").isEqualTo(first);

        tracker.advance(Duration.ofSeconds(4));
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::requestId, ClientAlert::since)
                .containsExactly(tuple(ClientAlert.Type.STUCK, 10L, first));
    }

    @Test
    void aRejectionIsRecordedOnceAndTheRequestMovesOn() {
        Instant t = tracker.now();
        tracker.send(event(ANN, REQUESTED, 7, t));
        CheckpointEvent rejection = rejected(ANN, 7, t.plusMillis(40), "23505 duplicate key value", "relay.uploads.dead-letters/2@17");
        tracker.send(rejection);
        tracker.send(rejection);

        ClientState state = tracker.state(ANN);
        assertThat(state.lastRejection())
                .isEqualTo(new Rejection(7, "23505 duplicate key value", "relay.uploads.dead-letters/2@17", t.plusMillis(40)));
        assertThat(state.waitingIn()).isEqualTo(WaitingStage.APPLIED_NOT_REPLICATED);
        assertThat(tracker.registry.counter("relay.tracker.rejected.requests").count()).isEqualTo(1);

        tracker.send(event(ANN, REPLICATED, 7, t.plusMillis(90)));
        assertThat(tracker.state(ANN).waitingIn()).isEqualTo(WaitingStage.REPLICATED_NOT_DELIVERED);
        tracker.send(event(ANN, DELIVERED, 7, t.plusMillis(150)));
        assertThat(tracker.state(ANN).waitingIn()).isNull();
        assertThat(tracker.state(ANN).lastRejection().reason()).isEqualTo("23505 duplicate key value");
        assertThat(latency("requested", "applied").count()).as("nothing was applied").isZero();
        assertThat(latency("requested", "delivered").count()).isEqualTo(1);
    }

    @Test
    void clientsAreStuckInTheStageTheyWaitInAndRecoverWhenDelivered() {
        ClientKey queued = new ClientKey("q", "c");
        ClientKey applied = new ClientKey("a", "c");
        ClientKey replicated = new ClientKey("r", "c");
        ClientKey delivered = new ClientKey("d", "c");
        Instant t = tracker.now();
        tracker.send(event(queued, REQUESTED, 1, t));
        tracker.send(event(applied, REQUESTED, 1, t), event(applied, APPLIED, 1, t));
        tracker.send(event(replicated, REQUESTED, 1, t), event(replicated, APPLIED, 1, t), event(replicated, REPLICATED, 1, t));
        tracker.send(event(delivered, REQUESTED, 1, t), event(delivered, APPLIED, 1, t), event(delivered, REPLICATED, 1, t),
                event(delivered, DELIVERED, 1, t));

        tracker.advance(Duration.ofSeconds(9));
        assertThat(tracker.alerts()).isEmpty();
        tracker.advance(Duration.ofSeconds(1));
        Instant alertedAt = tracker.now();
        assertThat(tracker.alerts())
                .extracting(ClientAlert::type, ClientAlert::userId, ClientAlert::requestId, ClientAlert::waitingIn, ClientAlert::since,
                        ClientAlert::at, ClientAlert::instance)
                .containsExactlyInAnyOrder(
                        tuple(ClientAlert.Type.STUCK, "q", 1L, WaitingStage.QUEUED, t, alertedAt, TrackerDriver.INSTANCE),
                        tuple(ClientAlert.Type.STUCK, "a", 1L, WaitingStage.APPLIED_NOT_REPLICATED, t, alertedAt, TrackerDriver.INSTANCE),
                        tuple(ClientAlert.Type.STUCK, "r", 1L, WaitingStage.REPLICATED_NOT_DELIVERED, t, alertedAt,
                                TrackerDriver.INSTANCE));
        assertThat(stuckGauge()).isEqualTo(3);
        assertThat(tracker.globalState(queued).stuck().waitingIn()).isEqualTo(WaitingStage.QUEUED);

        tracker.advance(Duration.ofSeconds(5));
        assertThat(tracker.alerts()).as("one alert per wait").isEmpty();

        tracker.send(event(queued, APPLIED, 1, tracker.now()));
        assertThat(tracker.alerts()).as("still waiting").isEmpty();
        tracker.send(event(queued, REPLICATED, 1, tracker.now()), event(queued, DELIVERED, 1, tracker.now()));
        tracker.send(event(applied, DELIVERED, 1, tracker.now()));
        tracker.send(event(replicated, DELIVERED, 2, tracker.now()));
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::userId, ClientAlert::requestId, ClientAlert::since,
                ClientAlert::waitingIn).containsExactly(
                        tuple(ClientAlert.Type.RECOVERED, "q", 1L, t, null),
                        tuple(ClientAlert.Type.RECOVERED, "a", 1L, t, null),
                        tuple(ClientAlert.Type.RECOVERED, "r", 1L, t, null));
        assertThat(tracker.state(queued).stuck()).isNull();

        tracker.advance(Duration.ofSeconds(1));
        assertThat(stuckGauge()).isZero();
        assertThat(List.of(queued, applied, replicated, delivered)).noneMatch(tracker::inWaitingIndex);
    }

    @Test
    void aStuckClientThatKeepsRequestingStaysStuckUntilDelivered() {
        Instant first = tracker.now();
        tracker.send(event(ANN, REQUESTED, 1, first));
        tracker.advance(Duration.ofSeconds(10));
        assertThat(tracker.alerts()).extracting(ClientAlert::type).containsExactly(ClientAlert.Type.STUCK);

        tracker.send(event(ANN, REQUESTED, 2, tracker.now()), event(ANN, APPLIED, 1, tracker.now()));
        tracker.advance(Duration.ofSeconds(12));
        assertThat(tracker.alerts()).isEmpty();
        assertThat(tracker.state(ANN).stuck().requestId()).isEqualTo(1);

        tracker.send(event(ANN, DELIVERED, 1, tracker.now()));
        assertThat(tracker.alerts()).as("request 2 is not delivered yet").isEmpty();
        tracker.send(event(ANN, DELIVERED, 2, tracker.now()));
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::requestId, ClientAlert::since)
                .containsExactly(tuple(ClientAlert.Type.RECOVERED, 2L, first));
    }

    @Test
    void aClearedClientThatRestartsItsCounterStartsANewWait() {
        Instant t = tracker.now();
        tracker.send(event(ANN, REQUESTED, 57, t), event(ANN, APPLIED, 57, t), event(ANN, REPLICATED, 57, t),
                event(ANN, DELIVERED, 57, t));
        tracker.send(rejected(ANN, 57, t, "refused", "dl/0@1"));

        // While upload-api stores 57 it answers 57 to the cleared client's "1" and queues nothing:
        // the client reseeds to 58, an ordinary next request.
        tracker.advance(Duration.ofSeconds(1));
        tracker.send(event(ANN, REQUESTED, 58, tracker.now()));
        assertThat(tracker.state(ANN).counterRestarts()).isZero();
        tracker.send(event(ANN, DELIVERED, 58, tracker.now()));

        // upload-api forgot the client (retention), so it accepted and queued "1".
        tracker.advance(Duration.ofSeconds(1));
        Instant restart = tracker.now();
        tracker.send(event(ANN, REQUESTED, 1, restart));
        tracker.send(event(ANN, REQUESTED, 1, restart));
        ClientState state = tracker.state(ANN);
        assertThat(state.requested()).isEqualTo(new StageMark(1, restart));
        assertThat(state.applied()).isNull();
        assertThat(state.replicated()).isNull();
        assertThat(state.delivered()).isNull();
        assertThat(state.lastRejection()).isNull();
        assertThat(state.counterRestarts()).isEqualTo(1);
        assertThat(state.restartedAt()).isEqualTo(restart);
        assertThat(state.waitingIn()).isEqualTo(WaitingStage.QUEUED);
        assertThat(state.waitingSince()).isEqualTo(restart);
        assertThat(tracker.registry.counter("relay.tracker.counter.restarts").count()).isEqualTo(1);

        // Not restarts: a repost of a smaller id, and an older request's late event.
        tracker.send(repost(ANN, 0, tracker.now()));
        tracker.send(event(ANN, REQUESTED, 0, restart.minusSeconds(5)));
        assertThat(tracker.state(ANN)).isEqualTo(state);

        tracker.send(event(ANN, APPLIED, 1, tracker.now()));
        assertThat(tracker.state(ANN).waitingIn()).isEqualTo(WaitingStage.APPLIED_NOT_REPLICATED);
        tracker.send(event(ANN, REPLICATED, 1, tracker.now()), event(ANN, DELIVERED, 1, tracker.now()));
        assertThat(tracker.state(ANN).waitingIn()).isNull();
    }

    @Test
    void aRestartEndsAStuckWait() {
        tracker.send(event(ANN, REQUESTED, 40, tracker.now()));
        tracker.advance(Duration.ofSeconds(10));
        assertThat(tracker.alerts()).extracting(ClientAlert::type).containsExactly(ClientAlert.Type.STUCK);

        Instant restart = tracker.now();
        tracker.send(event(ANN, REQUESTED, 1, restart));
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::requestId)
                .containsExactly(tuple(ClientAlert.Type.RECOVERED, 1L));

        tracker.advance(Duration.ofSeconds(10));
        assertThat(tracker.alerts()).extracting(ClientAlert::type, ClientAlert::requestId, ClientAlert::since)
                .containsExactly(tuple(ClientAlert.Type.STUCK, 1L, restart));
    }

    @Test
    void anotherUserOnTheSameClientIdIsTrackedApart() {
        ClientKey annDevice = new ClientKey("ann", "shared-device");
        ClientKey bobDevice = new ClientKey("bob", "shared-device");
        Instant t = tracker.now();
        tracker.send(event(annDevice, REQUESTED, 30, t), event(annDevice, DELIVERED, 30, t));
        tracker.advance(Duration.ofSeconds(1));
        tracker.send(event(bobDevice, REQUESTED, 1, tracker.now()));

        assertThat(tracker.state(bobDevice).requested().requestId()).isEqualTo(1);
        assertThat(tracker.state(bobDevice).counterRestarts()).isZero();
        assertThat(tracker.state(annDevice).requested().requestId()).isEqualTo(30);
        assertThat(tracker.state(annDevice).waitingIn()).isNull();

        tracker.advance(Duration.ofSeconds(10));
        assertThat(tracker.alerts()).extracting(ClientAlert::userId, ClientAlert::clientId, ClientAlert::requestId)
                .containsExactly(tuple("bob", "shared-device", 1L));
    }

    @Test
    void eachLatencyIsRecordedOncePerRequest() {
        Instant t = tracker.now();
        List<CheckpointEvent> first = List.of(event(ANN, REQUESTED, 1, t), event(ANN, APPLIED, 1, t.plusMillis(200)),
                event(ANN, REPLICATED, 1, t.plusMillis(500)), event(ANN, DELIVERED, 1, t.plusMillis(1200)));
        first.forEach(tracker::send);
        first.forEach(tracker::send);
        tracker.send(repost(ANN, 1, t.plusMillis(1300)));

        assertThat(latency("requested", "applied").count()).isEqualTo(1);
        assertThat(latency("requested", "applied").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(200);
        assertThat(latency("applied", "replicated").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
        assertThat(latency("replicated", "delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(700);
        assertThat(latency("applied", "delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1000);
        assertThat(latency("requested", "delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1200);
        assertThat(List.of(latency("applied", "replicated"), latency("replicated", "delivered"), latency("applied", "delivered"),
                latency("requested", "delivered"))).allMatch(timer -> timer.count() == 1);

        // The next request, its stages out of order: applied is reported before requested.
        Instant u = t.plusSeconds(5);
        tracker.send(event(ANN, APPLIED, 2, u), event(ANN, REQUESTED, 2, u.plusMillis(30)), event(ANN, DELIVERED, 2, u.plusMillis(90)),
                event(ANN, REPLICATED, 2, u.plusMillis(60)));
        assertThat(latency("requested", "applied").count()).isEqualTo(2);
        assertThat(latency("requested", "applied").max(TimeUnit.MILLISECONDS)).as("clamped at zero, never negative").isEqualTo(200);
        assertThat(latency("requested", "delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1200 + 60);
        assertThat(latency("replicated", "delivered").count()).as("measured when the late stage came").isEqualTo(2);
    }

    @Test
    void eventsThatCannotBeFoldedAreSkippedAndCounted() {
        CheckpointEvent future = new CheckpointEvent(CheckpointEvent.VERSION + 1, REQUESTED, "ann", "device-1", 1, tracker.now(), "x",
                false, null, null);
        tracker.send(future);
        tracker.sendRaw(BOB.toKafkaKey(), event(ANN, REQUESTED, 1, tracker.now()));
        tracker.sendRaw("not a key", event(ANN, REQUESTED, 1, tracker.now()));

        assertThat(tracker.state(ANN)).isNull();
        assertThat(tracker.state(BOB)).isNull();
        assertThat(tracker.registry.counter("relay.tracker.skipped.events", "reason", "unknown_version").count()).isEqualTo(1);
        assertThat(tracker.registry.counter("relay.tracker.skipped.events", "reason", "key_mismatch").count()).isEqualTo(1);
        assertThat(tracker.registry.counter("relay.tracker.skipped.events", "reason", "bad_key").count()).isEqualTo(1);
    }

    private Timer latency(String from, String to) {
        return tracker.registry.get("relay.tracker.stage.latency").tags("from", from, "to", to).timer();
    }

    private double stuckGauge() {
        return tracker.registry.get("relay.tracker.stuck.clients").gauge().value();
    }
}
