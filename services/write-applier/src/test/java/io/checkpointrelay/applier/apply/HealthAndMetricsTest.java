package io.checkpointrelay.applier.apply;

import static io.checkpointrelay.applier.Batches.batch;
import static io.checkpointrelay.applier.Batches.newId;
import static io.checkpointrelay.applier.Batches.newList;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.InjectStack;
import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.applier.Stack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What an orchestrator and a dashboard see of a working applier. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class HealthAndMetricsTest {

    @InjectStack
    Stack stack;

    @Test
    void readinessCoversTheKafkaChannelAndTheDatabase() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("SmallRye Reactive Messaging - readiness check",
                        "Reactive PostgreSQL connections health check")));
    }

    @Test
    void appliedBatchesShowUpInTheMetrics() {
        String user = "user-" + newId();
        stack.send(batch(user, "c1", 1L, newList(newId(), "Metrics", user)));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.checkpoint(user, "c1").isPresent());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("relay_applier_records_total{outcome=\"applied\"}"))
                .body(containsString("relay_applier_entries_applied_total"))
                .body(containsString("relay_applier_checkpoints_written_total"))
                .body(containsString("relay_applier_apply_seconds_count"))
                .body(containsString("relay_applier_queue_latency_seconds_count")));
    }
}
