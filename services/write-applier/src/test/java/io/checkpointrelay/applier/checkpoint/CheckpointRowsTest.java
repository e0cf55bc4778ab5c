package io.checkpointrelay.applier.checkpoint;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** A client's checkpoint row says exactly which of its writes are in the database. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class CheckpointRowsTest {

    private static final Duration APPLIED = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Inject
    Mutiny.SessionFactory sessionFactory;

    @Test
    void theCheckpointBecomesVisibleInTheSameTransactionAsTheBatchWrites() {
        String user = "user-" + newId();
        List<CrudEntry> lists = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lists.add(newList(newId(), "List " + i, user));
        }

        stack.send(batch(user, "c1", 42L, lists.toArray(CrudEntry[]::new)));

        // Every sample is one statement, hence one snapshot: the checkpoint row is never
        // visible without all of the batch's rows.
        String sample = "SELECT (SELECT count(*) FROM lists WHERE owner_id = ?) AS lists,"
                + " (SELECT checkpoint FROM checkpoints WHERE user_id = ? AND client_id = 'c1') AS checkpoint";
        await().atMost(APPLIED).pollInterval(Duration.ofMillis(5)).until(() -> {
            Map<String, Object> seen = stack.row(sample, user, user).orElseThrow();
            if (seen.get("checkpoint") != null) {
                assertThat(seen.get("lists")).as("lists visible with the checkpoint").isEqualTo(20L);
                return true;
            }
            assertThat(seen.get("lists")).as("lists visible without the checkpoint").isEqualTo(0L);
            return false;
        });
        assertThat(stack.checkpoint(user, "c1")).contains(42L);
    }

    @Test
    void anOlderCheckpointRequestNeverLowersTheStoredOne() {
        String user = "user-" + newId();
        String listId = newId();
        stack.send(batch(user, "c1", 10L, newList(listId, "v1", user)));
        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "c1").isPresent());

        // A late, older request (e.g. a retried upload) still applies its writes...
        stack.send(batch(user, "c1", 5L, patch("lists", listId, "name", "v2")));
        await().atMost(APPLIED).until(() -> "v2".equals(name(listId)));

        // ...but the client's checkpoint stays at the greatest request id.
        assertThat(stack.checkpoint(user, "c1")).contains(10L);
        stack.send(batch(user, "c1", 11L));
        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "c1").orElseThrow() == 11L);
    }

    @Test
    void aBareCheckpointRequestWritesTheRowPerClient() throws Throwable {
        String user = "user-" + newId();

        stack.send(batch(user, "phone", 3L), batch(user, "laptop", 9L));

        // Different keys, possibly different partitions: either may be applied first.
        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "phone").isPresent() && stack.checkpoint(user, "laptop").isPresent());
        // Read through the entity: the mapping matches the table sync-bridge replicates.
        Checkpoint phone = VertxContextSupport.subscribeAndAwait(
                () -> sessionFactory.withSession(s -> s.find(Checkpoint.class, new CheckpointKey(user, "phone"))));
        assertThat(phone.checkpoint()).isEqualTo(3L);
        assertThat(phone.updatedAt()).isNotNull();
        assertThat(stack.checkpoint(user, "laptop")).contains(9L);
    }

    private String name(String listId) {
        return stack.row("SELECT name FROM lists WHERE id = ?::uuid", listId).map(r -> (String) r.get("name")).orElse(null);
    }
}
