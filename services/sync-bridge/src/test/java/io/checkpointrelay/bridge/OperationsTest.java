package io.checkpointrelay.bridge;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What operators rely on: readiness, metrics, API description. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OperationsTest {

    @Inject
    ReplicationStatus status;

    @Test
    void readinessReportsReplicationAndMetricsAndOpenApiAreServed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> status.state() == ReplicationStatus.State.REPLICATING);

        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("replication"))
                .body("checks.find { it.name == 'replication' }.status", org.hamcrest.Matchers.is("UP"))
                .body("checks.find { it.name == 'replication' }.data.state", org.hamcrest.Matchers.is("REPLICATING"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_replication_ops_total"))
                .body(containsString("relay_replication_lag_seconds"))
                .body(containsString("relay_streams_open"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/sync/stream"));
    }
}
