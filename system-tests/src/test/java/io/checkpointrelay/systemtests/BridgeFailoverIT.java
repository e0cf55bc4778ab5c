package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.UsesTestInfrastructure;
import io.checkpointrelay.stack.client.SyncStreamClient;
import io.checkpointrelay.stack.client.SyncedRow;

/**
 * Two sync-bridges over one storage: one replicates, the other stands by, and both serve streams.
 * Devices upload while streaming from either; the replicating bridge is killed with SIGKILL. The
 * standby takes over replication from the confirmed position, the clients of the dead bridge
 * reconnect to the survivor and resume, and every client ends with the server's rows, matching
 * checksums and the write checkpoint of its last upload.
 */
@UsesTestInfrastructure
class BridgeFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES_PER_BRIDGE = 3;
    private static final int STEPS = 16;
    private static final Duration PAUSE = Duration.ofMillis(300);
    /** What the issue promises operators: replication resumes within 15 s of the replicating bridge's death. */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(15);

    private static LocalStack stack;
    private static ServiceProcess secondBridge;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.start(BridgeFailoverIT.class);
        secondBridge = stack.startExtraInstance(RelayService.SYNC_BRIDGE);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theStandbyTakesOverAndEveryClientConvergesAfterTheReplicatingBridgeIsKilled() throws Exception {
        ServiceProcess firstBridge = stack.service(RelayService.SYNC_BRIDGE);
        List<ServiceProcess> bridges = List.of(firstBridge, secondBridge);
        ServiceProcess leader = awaitOneReplicating(bridges);
        ServiceProcess standby = leader == firstBridge ? secondBridge : firstBridge;
        assertThat(replicationState(standby)).isEqualTo("STANDBY");

        List<UploadingDevice> devices = new ArrayList<>();
        List<SyncStreamClient> onLeader = new ArrayList<>();
        List<SyncStreamClient> onStandby = new ArrayList<>();
        List<SyncStreamClient> clients = new ArrayList<>();
        for (int i = 0; i < 2 * DEVICES_PER_BRIDGE; i++) {
            UploadingDevice device = new UploadingDevice(stack, "failover-" + i, STEPS, Set.of(), PAUSE);
            SyncStreamClient client = new SyncStreamClient(i % 2 == 0 ? leader.uri() : standby.uri(),
                    stack.tokens().issue(device.userId(), Duration.ofHours(1)), device.clientId());
            client.connect();
            (i % 2 == 0 ? onLeader : onStandby).add(client);
            clients.add(client);
            devices.add(device);
        }
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(0.3, WAIT);
            // Streams on the standby hear the leader's storage commits too.
            for (SyncStreamClient client : onStandby) {
                client.awaitCheckpoint(applied -> applied.writeCheckpoint() != null, "a write checkpoint on the standby", WAIT);
            }

            leader.kill();
            long killed = System.nanoTime();
            awaitState(standby, "REPLICATING", TAKEOVER_LIMIT.plusSeconds(45));
            Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
            report("takeover after SIGKILL: " + takeover.toMillis() + " ms");
            assertThat(takeover).as("the standby replicates within 15 s").isLessThanOrEqualTo(TAKEOVER_LIMIT);

            for (SyncStreamClient client : onLeader) {
                client.awaitDisconnected(WAIT);
                client.connect(standby.uri());
            }
            load.awaitFinished(WAIT.multipliedBy(2));
        }

        for (int i = 0; i < devices.size(); i++) {
            UploadingDevice device = devices.get(i);
            SyncStreamClient client = clients.get(i);
            assertThat(client.awaitWriteCheckpoint(device.lastCheckpointRequestId(), WAIT).writeCheckpoint())
                    .as("%s gets the write checkpoint of its last upload", device).isEqualTo(device.lastCheckpointRequestId());
            assertThat(client.failures()).as("protocol and checksum failures of %s", device).isEmpty();
            assertThat(objectIds(client.rows())).as("%s holds exactly the server's rows", device).isEqualTo(serverRows(device.userId()));
        }
        for (SyncStreamClient client : onLeader) {
            assertThat(client.connections()).as("moved to the survivor once").isEqualTo(2);
        }
        for (SyncStreamClient client : clients) {
            client.close();
        }
    }

    private static ServiceProcess awaitOneReplicating(List<ServiceProcess> bridges) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<ServiceProcess> replicating = new ArrayList<>();
            for (ServiceProcess bridge : bridges) {
                if ("REPLICATING".equals(replicationState(bridge))) {
                    replicating.add(bridge);
                }
            }
            assertThat(replicating).as("bridges replicating at once").hasSizeLessThanOrEqualTo(1);
            if (replicating.size() == 1) {
                return replicating.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no bridge replicates within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private static void awaitState(ServiceProcess bridge, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.equals(replicationState(bridge))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(bridge.name() + " is not " + state + " within " + timeout.toSeconds() + " s but "
                        + replicationState(bridge));
            }
            Thread.sleep(50);
        }
    }

    /** The replication state a bridge reports in its readiness check. */
    private static String replicationState(ServiceProcess bridge) throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(bridge.uri().resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
            if ("replication".equals(check.path("name").asText())) {
                return check.path("data").path("state").asText();
            }
        }
        throw new AssertionError(bridge.name() + " reports no replication check: " + ready.body());
    }

    private static Set<String> objectIds(List<SyncedRow> rows) {
        Set<String> ids = new HashSet<>();
        rows.forEach(row -> ids.add(row.objectType() + "/" + row.objectId()));
        return ids;
    }

    /** The rows the demo's sync rules give the user, read from the app database. */
    private static Set<String> serverRows(String userId) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement query = db.prepareStatement("SELECT 'lists/' || id FROM lists WHERE owner_id = ? "
                        + "UNION ALL SELECT 'todos/' || id FROM todos WHERE created_by = ? "
                        + "UNION ALL SELECT 'upload_rejections/' || id FROM upload_rejections WHERE user_id = ?")) {
            query.setString(1, userId);
            query.setString(2, userId);
            query.setString(3, userId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static void report(String line) {
        System.out.println("[BridgeFailoverIT] " + line);
    }
}
