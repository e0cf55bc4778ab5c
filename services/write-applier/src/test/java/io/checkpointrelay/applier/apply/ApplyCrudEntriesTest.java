package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.delete;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static io.checkpointrelay.applier.Batches.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Client operations reach the application tables as the client meant them. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class ApplyCrudEntriesTest {

    private static final Duration APPLIED = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Test
    void putInsertsARowAndALaterPutReplacesItsColumns() {
        String user = "user-" + newId();
        String listId = newId();

        stack.send(batch(user, "c1", null, newList(listId, "Groceries", user)));
        await().atMost(APPLIED).until(() -> list(listId) != null);
        assertThat(list(listId)).containsEntry("name", "Groceries").containsEntry("owner_id", user);

        stack.send(batch(user, "c1", null, put("lists", listId, "name", "Weekend groceries", "owner_id", user,
                "created_at", "2024-06-01T00:00:00Z")));
        await().atMost(APPLIED).untilAsserted(() -> assertThat(list(listId)).containsEntry("name", "Weekend groceries"));
        assertThat(list(listId).get("created_at")).isEqualTo(OffsetDateTime.parse("2024-06-01T00:00:00Z"));

        // A PUT replaces the row: columns it leaves out (PowerSync omits nulls) are reset, not kept.
        String todoId = newId();
        stack.send(batch(user, "c1", null, put("todos", todoId, "description", "Done", "completed", 1, "created_by", user,
                "list_id", listId, "created_at", "2024-05-01T10:00:00Z", "completed_at", "2024-05-02T08:30:00Z",
                "completed_by", user)));
        await().atMost(APPLIED).until(() -> todo(todoId) != null);
        stack.send(batch(user, "c1", null, put("todos", todoId, "description", "Reopened", "completed", 0,
                "created_by", user, "list_id", listId)));
        await().atMost(APPLIED).untilAsserted(() -> assertThat(todo(todoId)).containsEntry("description", "Reopened"));
        assertThat(todo(todoId))
                .containsEntry("completed_at", null)
                .containsEntry("completed_by", null);
        // created_at has a default (now()), so it gets that instead of the earlier value.
        assertThat(todo(todoId).get("created_at")).isNotEqualTo(OffsetDateTime.parse("2024-05-01T10:00:00Z")).isNotNull();
    }

    @Test
    void patchChangesOnlyTheGivenColumns() {
        String user = "user-" + newId();
        String listId = newId();
        String todoId = newId();
        stack.send(batch(user, "c1", null,
                newList(listId, "Chores", user),
                put("todos", todoId, "description", "Water the plants", "completed", 0, "created_by", user,
                        "list_id", listId, "created_at", "2024-05-01T10:00:00Z")));

        stack.send(batch(user, "c1", null, patch("todos", todoId, "completed", 1,
                "completed_at", "2024-05-02T08:30:00Z", "completed_by", user)));

        await().atMost(APPLIED).untilAsserted(() -> assertThat(todo(todoId)).containsEntry("completed", true));
        assertThat(todo(todoId))
                .containsEntry("description", "Water the plants")
                .containsEntry("created_by", user)
                .containsEntry("completed_by", user)
                .containsEntry("completed_at", OffsetDateTime.parse("2024-05-02T08:30:00Z"))
                .containsEntry("created_at", OffsetDateTime.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void deleteRemovesTheRow() {
        String user = "user-" + newId();
        String keep = newId();
        String remove = newId();
        stack.send(batch(user, "c1", null, newList(keep, "Keep", user), newList(remove, "Remove", user)));
        await().atMost(APPLIED).until(() -> list(remove) != null);

        stack.send(batch(user, "c1", 1L, delete("lists", remove)));

        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "c1").isPresent());
        assertThat(list(remove)).isNull();
        assertThat(list(keep)).containsEntry("name", "Keep");
    }

    @Test
    void valuesAreCastToTheirColumnTypes() {
        String user = "user-" + newId();
        String listId = newId();
        String done = newId();
        String open = newId();
        String awkwardText = "O'Brien said \"hi\"; DROP TABLE todos; -- ünïcödé";

        stack.send(batch(user, "c1", 1L,
                newList(listId, "Types", user),
                put("todos", done, "description", awkwardText, "completed", 1, "created_by", user,
                        "list_id", listId.toUpperCase(), "created_at", "2024-05-01T10:15:30+02:00",
                        "completed_at", "2024-05-01 12:00:00Z"),
                put("todos", open, "description", "open", "completed", 0, "created_by", user,
                        "list_id", listId, "completed_at", null)));

        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "c1").isPresent());
        assertThat(todo(done))
                .containsEntry("id", UUID.fromString(done))
                .containsEntry("description", awkwardText)
                .containsEntry("completed", true)
                .containsEntry("list_id", UUID.fromString(listId))
                .containsEntry("created_at", OffsetDateTime.of(2024, 5, 1, 8, 15, 30, 0, ZoneOffset.UTC))
                .containsEntry("completed_at", OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC));
        assertThat(todo(open))
                .containsEntry("completed", false)
                .containsEntry("completed_at", null);
        // Columns a PUT leaves out keep their database default.
        assertThat(todo(open).get("created_at")).isNotNull();
    }

    @Test
    void patchOfAMissingRowWritesNothingAndTheBatchStillCommits() {
        String user = "user-" + newId();
        String missing = newId();

        stack.send(batch(user, "c1", 7L, patch("lists", missing, "name", "Ghost")));

        await().atMost(APPLIED).until(() -> stack.checkpoint(user, "c1").isPresent());
        assertThat(stack.checkpoint(user, "c1")).contains(7L);
        assertThat(list(missing)).isNull();
    }

    private Map<String, Object> list(String id) {
        return stack.row("SELECT * FROM lists WHERE id = ?::uuid", id).orElse(null);
    }

    private Map<String, Object> todo(String id) {
        return stack.row("SELECT * FROM todos WHERE id = ?::uuid", id).orElse(null);
    }
}
