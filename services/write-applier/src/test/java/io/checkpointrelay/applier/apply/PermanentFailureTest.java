package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.put;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A batch the database refuses is neither half-applied nor skipped: nothing of it is written,
 * the channel stops with readiness DOWN, and its offset stays uncommitted for the next start.
 */
@QuarkusTest
@TestProfile(PermanentFailureTest.OwnApplication.class)
@WithTestResource(RelayStackResource.class)
class PermanentFailureTest {

    /** This test stops the channel for good, so it gets an application (and infrastructure) of its own. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @InjectStack
    Stack stack;

    @Test
    void aBatchTheDatabaseRefusesLeavesNothingBehindAndStopsTheChannel() {
        String user = "user-" + newId();
        String firstList = newId();
        stack.send(batch(user, "c1", 1L, newList(firstList, "applied", user)));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.checkpoint(user, "c1").isPresent());

        String refusedList = newId();
        String orphanTodo = newId();
        String laterList = newId();
        List<RecordMetadata> sent = stack.send(
                batch(user, "c1", 2L,
                        newList(refusedList, "in the refused batch", user),
                        put("todos", orphanTodo, "description", "no such list", "created_by", user,
                                "list_id", newId())),
                batch(user, "c1", 3L, newList(laterList, "queued after the refused batch", user)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN")));

        assertThat(stack.checkpoint(user, "c1")).as("checkpoint of the refused batch").contains(1L);
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", refusedList)).as("list of the refused batch").isEmpty();
        assertThat(stack.row("SELECT id FROM todos WHERE id = ?::uuid", orphanTodo)).as("todo of the refused batch").isEmpty();
        assertThat(stack.row("SELECT id FROM lists WHERE id = ?::uuid", laterList)).as("batch after the refused one").isEmpty();
        assertThat(stack.committedOffset("write-applier", sent.getFirst()))
                .as("the refused batch is consumed again after a restart")
                .isLessThanOrEqualTo(sent.getFirst().offset());
    }
}
