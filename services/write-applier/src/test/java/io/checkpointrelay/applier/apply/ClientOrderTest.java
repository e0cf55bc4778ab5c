package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Each client's batches are applied in the order they were queued, whatever other clients do. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class ClientOrderTest {

    @InjectStack
    Stack stack;

    @Test
    void fiftyPatchesOfOneRowEndWithTheLastOneWhileAnotherClientInterleaves() {
        String alice = "alice-" + newId();
        String bob = "bob-" + newId();
        String aliceList = newId();
        String bobList = newId();
        stack.send(batch(alice, "a1", null, newList(aliceList, "name 0", alice)),
                batch(bob, "b1", null, newList(bobList, "name 0", bob)));

        List<QueuedBatch> interleaved = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            interleaved.add(batch(alice, "a1", (long) i, patch("lists", aliceList, "name", "name " + i)));
            interleaved.add(batch(bob, "b1", (long) i, patch("lists", bobList, "name", "name " + i)));
        }
        stack.send(interleaved.toArray(QueuedBatch[]::new));

        // While they are applied, each row only ever moves forward through its client's patches.
        int[] lastSeen = new int[2];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
            int a = index(name(aliceList));
            int b = index(name(bobList));
            assertThat(a).as("alice's row moves forward").isGreaterThanOrEqualTo(lastSeen[0]);
            assertThat(b).as("bob's row moves forward").isGreaterThanOrEqualTo(lastSeen[1]);
            lastSeen[0] = a;
            lastSeen[1] = b;
            return stack.checkpoint(alice, "a1").orElse(0L) == 50L && stack.checkpoint(bob, "b1").orElse(0L) == 50L;
        });
        assertThat(name(aliceList)).isEqualTo("name 50");
        assertThat(name(bobList)).isEqualTo("name 50");
    }

    private static int index(String name) {
        return Integer.parseInt(name.substring("name ".length()));
    }

    private String name(String listId) {
        return stack.row("SELECT name FROM lists WHERE id = ?::uuid", listId).map(r -> (String) r.get("name")).orElseThrow();
    }
}
