package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.UsesTestInfrastructure;
import io.checkpointrelay.stack.client.AppliedCheckpoint;
import io.checkpointrelay.stack.client.ReceivedOp;
import io.checkpointrelay.stack.client.SyncStreamClient;
import io.checkpointrelay.stack.client.SyncedRow;
import io.checkpointrelay.stack.client.UploadClient;
import io.checkpointrelay.stack.demo.TodoListWrites;

/**
 * The whole pipeline with the packaged services as processes: a client's upload through
 * upload-api, Kafka, write-applier and PostgreSQL comes back on its sync stream from
 * sync-bridge, in the checkpoint that carries its checkpoint request id, and to no other user.
 */
@UsesTestInfrastructure
class PipelineEndToEndIT {

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.start(PipelineEndToEndIT.class);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String token(String user) {
        return stack.tokens().issue(user, Duration.ofHours(1));
    }

    @Test
    void anUploadComesBackOnTheWritersStreamWithItsCheckpointAndReachesNoOtherUser() throws Exception {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        String alicePhone = UUID.randomUUID().toString();
        String aliceLaptop = UUID.randomUUID().toString();
        String bobPhone = UUID.randomUUID().toString();
        try (SyncStreamClient phone = new SyncStreamClient(stack.syncUri(), token(alice), alicePhone);
                SyncStreamClient laptop = new SyncStreamClient(stack.syncUri(), token(alice), aliceLaptop);
                SyncStreamClient bobs = new SyncStreamClient(stack.syncUri(), token(bob), bobPhone)) {
            for (SyncStreamClient client : List.of(phone, laptop, bobs)) {
                client.connect();
                client.awaitCheckpoint(c -> true, "a first checkpoint", WAIT);
            }

            TodoListWrites writes = new TodoListWrites(alice, 1);
            UUID list = UUID.randomUUID();
            UUID milk = UUID.randomUUID();
            UUID bread = UUID.randomUUID();
            long requestId = 42;
            UploadClient.Receipt receipt = new UploadClient(stack.uploadApiUri(), token(alice)).upload(alicePhone, requestId, List.of(
                    writes.newList(list, "Groceries"), writes.newTodo(milk, list, "Milk"), writes.newTodo(bread, list, "Bread")));
            assertThat(receipt.batchId()).isNotBlank();

            AppliedCheckpoint checkpoint = phone.awaitWriteCheckpoint(requestId, WAIT);
            assertThat(checkpoint.writeCheckpoint()).isEqualTo(requestId);
            assertThat(phone.rows()).extracting(SyncedRow::objectType, SyncedRow::objectId).containsExactlyInAnyOrder(
                    tuple("lists", list.toString()),
                    tuple("todos", milk.toString()),
                    tuple("todos", bread.toString()));
            SyncedRow listRow = row(phone, list);
            assertThat(listRow.data().path("name").asText()).isEqualTo("Groceries");
            assertThat(listRow.data().path("owner_id").asText()).isEqualTo(alice);
            SyncedRow milkRow = row(phone, milk);
            assertThat(milkRow.data().path("description").asText()).isEqualTo("Milk");
            assertThat(milkRow.data().path("list_id").asText()).isEqualTo(list.toString());
            assertThat(milkRow.data().path("created_by").asText()).isEqualTo(alice);

            // alice's other device syncs the same rows, but the write checkpoint is the phone's alone.
            laptop.awaitRows(rows -> rows.size() == 3, "alice's 3 rows", WAIT);
            assertThat(laptop.applied().orElseThrow().writeCheckpoint()).isNull();

            // bob's own write is replicated after alice's: once it is on his stream, alice's rows
            // would be there too if they leaked.
            TodoListWrites bobWrites = new TodoListWrites(bob, 1);
            UUID garage = UUID.randomUUID();
            new UploadClient(stack.uploadApiUri(), token(bob)).upload(bobPhone, 1L, List.of(bobWrites.newList(garage, "Garage")));
            bobs.awaitWriteCheckpoint(1, WAIT);
            assertThat(bobs.rows()).extracting(SyncedRow::objectId).containsExactly(garage.toString());
            assertThat(bobs.applied().orElseThrow().bucketChecksums().keySet()).noneMatch(bucket -> bucket.contains(alice));
            assertThat(phone.rows()).extracting(SyncedRow::objectId).doesNotContain(garage.toString());

            for (SyncStreamClient client : List.of(phone, laptop, bobs)) {
                assertThat(client.failures()).as("protocol and checksum failures of " + client.clientId()).isEmpty();
                assertThat(client.receivedOps()).noneMatch(ReceivedOp::resent);
            }
        }
    }

    private static SyncedRow row(SyncStreamClient client, UUID id) {
        return client.rows().stream().filter(r -> r.objectId().equals(id.toString())).findFirst().orElseThrow();
    }
}
