package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.UsesTestInfrastructure;
import io.checkpointrelay.stack.client.SyncStreamClient;
import io.checkpointrelay.stack.client.TrackerClient;
import io.checkpointrelay.stack.client.UploadClient;
import io.checkpointrelay.stack.demo.TodoListWrites;

/**
 * checkpoint-tracker fed by the real services: a connected client that uploads is never
 * listed as stuck; a client that goes offline before its write is delivered is listed as
 * waiting in "replicated but not delivered", keeps that place across a tracker restart, and
 * leaves the list when it reconnects.
 */
@UsesTestInfrastructure
class TrackerEndToEndIT {

    private static final Duration STUCK_AFTER = Duration.ofSeconds(3);

    private static LocalStack stack;
    private static TrackerClient tracker;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.start(TrackerEndToEndIT.class,
                builder -> builder.config(RelayService.CHECKPOINT_TRACKER, "relay.tracker.stuck-after", STUCK_AFTER.toMillis() + "ms"));
        tracker = new TrackerClient(stack.trackerUri(),
                stack.tokens().issue("operator", Duration.ofHours(1), Map.of("groups", List.of("relay-operator"))));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aConnectedClientIsNeverStuckAndAnOfflineOneIsUntilItReconnectsEvenAcrossATrackerRestart() throws Exception {
        Device online = new Device("online-" + UUID.randomUUID());
        Device offline = new Device("offline-" + UUID.randomUUID());
        online.stream.connect();
        offline.stream.connect();
        online.stream.awaitCheckpoint(c -> true, "a first checkpoint", WAIT);
        offline.stream.awaitCheckpoint(c -> true, "a first checkpoint", WAIT);

        offline.stream.disconnect();
        offline.upload(1);
        for (long id = 1; id <= 3; id++) {
            online.upload(id);
            online.stream.awaitWriteCheckpoint(id, WAIT);
        }
        TestStack.awaitStoredCheckpoint(stack, offline.user, offline.clientId, 1);

        // Listed once it waited STUCK_AFTER, in the stage the tracker knew then: on a slow machine the
        // replicated event may come later, so wait for the stage a disconnected client ends up in.
        JsonNode stuck = awaitStuck(offline, entry -> entry.isPresent()
                && "replicated_not_delivered".equals(entry.get().path("waiting_in").asText()), "listed as replicated_not_delivered")
                .orElseThrow();
        assertThat(stuck.path("request_id").asLong()).isEqualTo(1);
        assertThat(tracker.stuckEntry(online.user, online.clientId)).as("the connected client").isEmpty();
        JsonNode onlineState = tracker.client(online.user, online.clientId);
        assertThat(onlineState.path("delivered").path("request_id").asLong()).isEqualTo(3);

        ServiceProcess trackerProcess = stack.service(RelayService.CHECKPOINT_TRACKER);
        trackerProcess.stop();
        trackerProcess.start();
        assertThat(awaitStuck(offline, Optional::isPresent, "listed after a tracker restart")).hasValueSatisfying(
                entry -> assertThat(entry.path("since").asText()).isEqualTo(stuck.path("since").asText()));

        offline.stream.connect();
        offline.stream.awaitWriteCheckpoint(1, WAIT);
        awaitStuck(offline, Optional::isEmpty, "no longer listed after reconnecting");
        assertThat(tracker.stuckEntry(online.user, online.clientId)).isEmpty();
    }

    private static Optional<JsonNode> awaitStuck(Device device, Predicate<Optional<JsonNode>> wanted, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<JsonNode> entry;
            try {
                entry = tracker.stuckEntry(device.user, device.clientId);
            } catch (java.io.IOException e) {
                entry = null; // the tracker is (re)starting
            }
            if (entry != null && wanted.test(entry)) {
                return entry;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(device.user + " not " + what + " (last: " + entry + "); log: "
                        + stack.logDirectory().resolve("checkpoint-tracker.log"));
            }
            Thread.sleep(250);
        }
    }

    private static final class Device {
        final String user;
        final String clientId = UUID.randomUUID().toString();
        final SyncStreamClient stream;
        final UploadClient uploads;
        final TodoListWrites writes;

        Device(String user) {
            this.user = user;
            String token = stack.tokens().issue(user, Duration.ofHours(1));
            this.stream = new SyncStreamClient(stack.syncUri(), token, clientId);
            this.uploads = new UploadClient(stack.uploadApiUri(), token);
            this.writes = new TodoListWrites(user, 1);
        }

        void upload(long requestId) throws Exception {
            uploads.upload(clientId, requestId, List.of(writes.transaction().newList(UUID.randomUUID(), "list " + requestId)));
        }
    }
}
