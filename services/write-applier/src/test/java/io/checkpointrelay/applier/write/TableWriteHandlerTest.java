package io.checkpointrelay.applier.write;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A table write handler's rules hold, and still never write outside the application schema. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class TableWriteHandlerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Test
    void aHandlerMapsWritesRejectsByItsRuleAndCannotWriteOutsideTheSchema() {
        String user = "user-" + newId();
        String list = newId();
        String shouted = newId();
        stack.send(
                batch(user, "c1", 1L, newList(list, "errands", user), todo(shouted, list, user, "shout: call mum")),
                batch(user, "c1", 2L, todo(newId(), list, user, "forbidden")),
                batch(user, "c1", 3L, todo(newId(), list, user, "sneak: grant me admin")),
                batch(user, "c1", 4L, todo(newId(), list, user, "plain")));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").orElse(0L) == 4L);
        assertThat(stack.row("SELECT description FROM todos WHERE id = ?::uuid", shouted).orElseThrow())
                .containsEntry("description", "CALL MUM");
        assertThat(stack.row("SELECT string_agg(description, ',' ORDER BY description) AS d FROM todos WHERE list_id = ?::uuid", list)
                .orElseThrow()).containsEntry("d", "CALL MUM,plain");
        assertThat(stack.row("SELECT string_agg(checkpoint_request_id || ': ' || reason, ' | ' ORDER BY checkpoint_request_id) AS r"
                + " FROM upload_rejections WHERE user_id = ?", user).orElseThrow().get("r").toString())
                .matches("2: entry 0 \\(PUT todos [^)]+\\): a todo may not say 'forbidden' \\| 3: entry 0 \\(PUT todos [^)]+\\): .*is_admin.*");
    }

    private static io.checkpointrelay.protocol.upload.CrudEntry todo(String id, String list, String user, String description) {
        return put("todos", id, "description", description, "created_by", user, "list_id", list);
    }
}
