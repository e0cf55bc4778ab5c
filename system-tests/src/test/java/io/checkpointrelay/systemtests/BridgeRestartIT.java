package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.UsesTestInfrastructure;
import io.checkpointrelay.stack.client.ReceivedOp;
import io.checkpointrelay.stack.client.SyncStreamClient;
import io.checkpointrelay.stack.client.SyncedRow;
import io.checkpointrelay.stack.client.UploadClient;
import io.checkpointrelay.stack.demo.TodoListWrites;

/**
 * sync-bridge goes away under a streaming client (killed, or stopped), writes go on through
 * upload-api and write-applier meanwhile, and after the bridge is back the client resumes from
 * its {@code after} positions: it gets exactly the new ops, the checksums still add up, and the
 * new write checkpoint arrives.
 */
@UsesTestInfrastructure
class BridgeRestartIT {

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.start(BridgeRestartIT.class);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private interface Outage {
        void apply(ServiceProcess bridge) throws Exception;
    }

    @Test
    void aClientResumesWithOnlyTheNewOpsAfterTheBridgeIsKilled() throws Exception {
        resumesAfter(ServiceProcess::kill);
    }

    @Test
    void aClientResumesWithOnlyTheNewOpsAfterTheBridgeIsStopped() throws Exception {
        resumesAfter(ServiceProcess::stop);
    }

    @Test
    void aStoppingBridgeEndsItsStreamsCleanly() throws Exception {
        String user = "dave-" + UUID.randomUUID();
        ServiceProcess bridge = stack.service(RelayService.SYNC_BRIDGE);
        try (SyncStreamClient client = new SyncStreamClient(stack.syncUri(), stack.tokens().issue(user, Duration.ofHours(1)), "laptop")) {
            client.connect();
            client.awaitCheckpoint(applied -> true, "the first checkpoint", WAIT);

            bridge.stop();
            client.awaitDisconnected(WAIT);
            assertThat(client.lastEnd()).as("a complete response, not a cut connection").isEqualTo("the service ended the stream");
            assertThat(client.failures()).isEmpty();
        } finally {
            if (!bridge.isAlive()) {
                bridge.start();
            }
        }
    }

    private void resumesAfter(Outage outage) throws Exception {
        String user = "carol-" + UUID.randomUUID();
        String device = UUID.randomUUID().toString();
        String token = stack.tokens().issue(user, Duration.ofHours(1));
        UploadClient uploads = new UploadClient(stack.uploadApiUri(), token);
        TodoListWrites writes = new TodoListWrites(user, 1);
        UUID list = UUID.randomUUID();
        UUID milk = UUID.randomUUID();
        UUID bread = UUID.randomUUID();
        UUID coffee = UUID.randomUUID();
        ServiceProcess bridge = stack.service(RelayService.SYNC_BRIDGE);

        try (SyncStreamClient client = new SyncStreamClient(stack.syncUri(), token, device)) {
            client.connect();
            uploads.upload(device, 1L, List.of(writes.newList(list, "Groceries"), writes.newTodo(milk, list, "Milk"),
                    writes.newTodo(bread, list, "Bread")));
            client.awaitWriteCheckpoint(1, WAIT);
            Map<String, Long> positions = client.afterPositions();
            assertThat(positions).isNotEmpty();

            outage.apply(bridge);
            client.awaitDisconnected(WAIT);
            uploads.upload(device, 2L, List.of(writes.transaction().newTodo(coffee, list, "Coffee"), writes.completeTodo(milk)));
            TestStack.awaitStoredCheckpoint(stack, user, device, 2);
            bridge.start();
            client.connect();

            assertThat(client.awaitWriteCheckpoint(2, WAIT).writeCheckpoint()).isEqualTo(2L);
            List<ReceivedOp> afterRestart = client.receivedOps().stream().filter(op -> op.connection() == 2).toList();
            assertThat(afterRestart).as("no op the client already held is sent again").noneMatch(ReceivedOp::resent);
            assertThat(afterRestart).allSatisfy(op -> assertThat(op.opId()).isGreaterThan(positions.getOrDefault(op.bucket(), 0L)));
            assertThat(afterRestart).extracting(ReceivedOp::objectId).containsExactlyInAnyOrder(coffee.toString(), milk.toString());
            assertThat(client.failures()).as("protocol and checksum failures").isEmpty();

            assertThat(client.rows()).extracting(SyncedRow::objectId)
                    .containsExactlyInAnyOrder(list.toString(), milk.toString(), bread.toString(), coffee.toString());
            SyncedRow milkRow = client.rows().stream().filter(r -> r.objectId().equals(milk.toString())).findFirst().orElseThrow();
            assertThat(milkRow.data().path("completed").asBoolean()).isTrue();
            assertThat(milkRow.data().path("completed_by").asText()).isEqualTo(user);
        } finally {
            if (!bridge.isAlive()) {
                bridge.start();
            }
        }
    }
}
