package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.checkpointrelay.applier.Batches.patch;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A database outage delays batches; it never loses or skips them. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class DatabaseOutageTest {

    @InjectStack
    Stack stack;

    @Test
    void batchesQueuedDuringAnOutageAreAppliedInOrderOnceTheDatabaseIsBack() throws Exception {
        TestInfrastructure.assumeRestartable(stack.postgres());
        String user = "user-" + newId();
        String listId = newId();
        stack.send(batch(user, "c1", 1L, newList(listId, "before", user)));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.checkpoint(user, "c1").isPresent());

        double retriesBefore = retries();
        stack.postgres().stop();
        try {
            stack.send(batch(user, "c1", 2L, patch("lists", listId, "name", "during 1")),
                    batch(user, "c1", 3L, patch("lists", listId, "name", "during 2")));
            await().atMost(Duration.ofSeconds(30)).until(() -> retries() >= retriesBefore + 2);
        } finally {
            stack.postgres().start();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> stack.checkpoint(user, "c1").orElseThrow() == 3L);
        assertThat(stack.row("SELECT name FROM lists WHERE id = ?::uuid", listId).orElseThrow())
                .containsEntry("name", "during 2");
    }

    /** The applier's count of transiently failed attempts, from its Prometheus endpoint. */
    private static double retries() {
        Matcher counter = Pattern.compile("(?m)^relay_applier_retries_total\\{[^}]*reason=\"transient\"[^}]*\\} (\\S+)$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return counter.find() ? Double.parseDouble(counter.group(1)) : 0;
    }
}
