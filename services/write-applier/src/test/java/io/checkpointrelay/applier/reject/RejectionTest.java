package io.checkpointrelay.applier.reject;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.put;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.CheckpointStage;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.DeadLetter;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A record that can never apply leaves nothing half-written, is kept on the dead-letter topic
 * with why, is recorded for its user, still fulfils its checkpoint request, and does not hold
 * back the client's later batches.
 */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class RejectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectStack
    Stack stack;

    @Test
    void aBatchTheDatabaseRefusesIsDeadLetteredRecordedForItsUserAndStillFulfilsItsCheckpoint() {
        String user = "user-" + newId();
        String refusedList = newId();
        String orphanTodo = newId();
        String laterList = newId();
        QueuedBatch refused = batch(user, "c1", 2L,
                newList(refusedList, "in the refused batch", user),
                put("todos", orphanTodo, "description", "no such list", "created_by", user, "list_id", newId()));
        List<RecordMetadata> sent = stack.send(
                batch(user, "c1", 1L, newList(newId(), "applied", user)),
                refused,
                batch(user, "c1", 3L, newList(laterList, "queued after the refused batch", user)));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").orElse(0L) == 3L);

        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", refusedList)).as("list of the refused batch").isEmpty();
        assertThat(stack.row("SELECT id FROM todos WHERE id = ?::uuid", orphanTodo)).as("todo of the refused batch").isEmpty();
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", laterList)).as("batch after the refused one").isPresent();

        Map<String, Object> rejection = stack.row("SELECT * FROM upload_rejections WHERE user_id = ?", user).orElseThrow();
        assertThat(rejection).containsEntry("client_id", "c1").containsEntry("batch_id", refused.batchId())
                .containsEntry("checkpoint_request_id", 2L);
        assertThat((String) rejection.get("reason")).startsWith("entry 1 (PUT todos " + orphanTodo + "): SQLSTATE 23503");
        assertThat(stack.row("SELECT jsonb_typeof(entries) AS t, entries->1->>'id' AS todo, entries->1->'data'->>'description' AS d"
                + " FROM upload_rejections WHERE user_id = ?", user).orElseThrow())
                .containsEntry("t", "array").containsEntry("todo", orphanTodo).containsEntry("d", "no such list");

        ConsumerRecord<String, DeadLetter> letter = letterFor(sent.get(1));
        assertThat(letter.key()).isEqualTo(new ClientKey(user, "c1").toKafkaKey());
        assertThat(letter.value().batch()).isEqualTo(refused);
        assertThat(letter.value().reason()).isEqualTo(rejection.get("reason"));
        assertThat(rejection.get("dead_letter")).isEqualTo(letter.topic() + "/" + letter.partition() + "@" + letter.offset());
        given().get("/q/health/ready").then().statusCode(200);

        // The lifecycle events for checkpoint-tracker: applied, rejected (with where the letter went), applied.
        List<CheckpointEvent> events = await().atMost(WAIT).until(
                () -> stack.events().stream().filter(e -> e.userId().equals(user)).toList(), list -> list.size() == 3);
        assertThat(events).extracting(CheckpointEvent::stage, CheckpointEvent::requestId).containsExactly(
                tuple(CheckpointStage.APPLIED, 1L), tuple(CheckpointStage.REJECTED, 2L), tuple(CheckpointStage.APPLIED, 3L));
        assertThat(events.get(1).reason()).isEqualTo(rejection.get("reason"));
        assertThat(events.get(1).deadLetter()).isEqualTo(rejection.get("dead_letter"));
        assertThat(events.get(1).instance()).startsWith("write-applier@");
    }

    @Test
    void anUnreadableRecordIsDeadLetteredWithItsBytesAndTheClientsLaterBatchesApply() {
        String user = "user-" + newId();
        String laterList = newId();
        byte[] poison = "{\"version\":1,\"entries\":".getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent = stack.sendRaw(new ClientKey(user, "c1").toKafkaKey(), poison);
        stack.send(batch(user, "c1", 1L, newList(laterList, "behind the unreadable record", user)));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").isPresent());
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", laterList)).isPresent();

        DeadLetter letter = letterFor(sent).value();
        assertThat(letter.batch()).isNull();
        assertThat(letter.rawValue()).isEqualTo(poison);
        assertThat(letter.reason()).startsWith("the record is not a queued batch: ");
        assertThat(letter.userId()).isEqualTo(user);
        Map<String, Object> rejection = stack.row("SELECT * FROM upload_rejections WHERE user_id = ?", user).orElseThrow();
        assertThat(rejection.get("reason")).isEqualTo(letter.reason());
        assertThat(rejection.get("checkpoint_request_id")).isNull();
    }

    @Test
    void anEntryOutsideTheSchemaIsRejectedAndNothingOfItsBatchIsWritten() {
        String user = "user-" + newId();
        String list = newId();
        // upload-api refuses this; a record from an older schema or another producer may still carry it.
        stack.send(batch(user, "c1", 5L, newList(list, "fine", user), put("lists", newId(), "name", "x", "owner_id", user, "secret", 1)));

        await().atMost(WAIT).until(() -> stack.checkpoint(user, "c1").isPresent());
        assertThat(stack.checkpoint(user, "c1")).contains(5L);
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", list)).isEmpty();
        assertThat((String) stack.row("SELECT reason FROM upload_rejections WHERE user_id = ?", user).orElseThrow().get("reason"))
                .startsWith("entry 1 (PUT lists ").contains("secret");
    }

    private ConsumerRecord<String, DeadLetter> letterFor(RecordMetadata source) {
        return await().atMost(WAIT).until(() -> stack.deadLetters().stream()
                .filter(r -> r.value().sourcePartition() == source.partition() && r.value().sourceOffset() == source.offset())
                .findFirst().orElse(null), r -> r != null);
    }
}
