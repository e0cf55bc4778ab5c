package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.delete;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Where the schema names an owner column, a user's batch never changes another user's stored
 * row, whatever it claims: the write is rejected for the writer, the owner's row stays as it
 * was, and the writer still gets its checkpoint.
 */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class OwnershipTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Test
    void anotherUsersRowCannotBeUpdatedTakenOverOrDeleted() {
        String alice = "alice-" + newId();
        String bob = "bob-" + newId();
        String list = newId();
        stack.send(batch(alice, "phone", 1L, newList(list, "Alice's", alice)));
        await().atMost(WAIT).until(() -> stack.checkpoint(alice, "phone").isPresent());

        stack.send(
                batch(bob, "laptop", 1L, patch("lists", list, "name", "renamed by bob")),
                batch(bob, "laptop", 2L, newList(list, "taken over by bob", bob)),
                batch(bob, "laptop", 3L, delete("lists", list)),
                batch(bob, "laptop", 4L, newList(newId(), "Bob's own", bob)));

        await().atMost(WAIT).until(() -> stack.checkpoint(bob, "laptop").orElse(0L) == 4L);
        assertThat(stack.row("SELECT name, owner_id FROM lists WHERE id = ?::uuid", list).orElseThrow())
                .containsEntry("name", "Alice's").containsEntry("owner_id", alice);
        assertThat(stack.row("SELECT count(*) AS n, min(reason) AS reason FROM upload_rejections WHERE user_id = ?", bob).orElseThrow())
                .containsEntry("n", 3L)
                .hasEntrySatisfying("reason", reason -> assertThat((String) reason).endsWith("the row belongs to another user"));
        assertThat(stack.row("SELECT count(*) AS n FROM lists WHERE owner_id = ?", bob).orElseThrow()).containsEntry("n", 1L);
    }

    @Test
    void theOwnerStillUpdatesAndDeletesItsOwnRows() {
        String alice = "alice-" + newId();
        String list = newId();
        String gone = newId();
        stack.send(batch(alice, "phone", 1L, newList(list, "first", alice), newList(gone, "to delete", alice)),
                batch(alice, "phone", 2L, patch("lists", list, "name", "second"), delete("lists", gone)));

        await().atMost(WAIT).until(() -> stack.checkpoint(alice, "phone").orElse(0L) == 2L);
        assertThat(stack.row("SELECT name FROM lists WHERE id = ?::uuid", list).orElseThrow()).containsEntry("name", "second");
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", gone)).isEmpty();
        assertThat(stack.row("SELECT id FROM upload_rejections WHERE user_id = ?", alice)).isEmpty();
    }
}
