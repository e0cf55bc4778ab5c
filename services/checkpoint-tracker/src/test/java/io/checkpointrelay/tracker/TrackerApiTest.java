package io.checkpointrelay.tracker;

import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.APPLIED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.DELIVERED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REPLICATED;
import static io.checkpointrelay.protocol.lifecycle.CheckpointStage.REQUESTED;
import static io.checkpointrelay.stack.client.LifecycleTopics.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.WaitingStage;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.stack.DevTokens;
import io.checkpointrelay.stack.client.LifecycleTopics;
import io.checkpointrelay.tracker.rest.ClientsResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The tracker as deployed: Kafka Streams on a real broker, the REST queries behind tokens, and an
 * application that starts where an earlier instance stopped, with nothing on its local disk.
 */
@QuarkusTest
@QuarkusTestResource(TrackerStackResource.class)
class TrackerApiTest {

    private static final DevTokens TOKENS = new DevTokens("checkpoint-tracker-test-secret-0123456789-abcdef");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LifecycleTopics topics;

    @BeforeAll
    static void connect() {
        topics = new LifecycleTopics(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterAll
    static void disconnect() {
        topics.close();
    }

    @Test
    void aTrackerStartedOnAnEmptyStateDirectoryRebuildsTheStuckListWithoutAlertingAgain() {
        Instant since = Instant.parse(ConfigProvider.getConfig().getValue(TrackerStackResource.PREVIOUS_SINCE, String.class));
        List<String> previousUsers = List.of(PreviousTrackerRun.QUEUED.userId(), PreviousTrackerRun.APPLIED_ONLY.userId(),
                PreviousTrackerRun.REPLICATED_ONLY.userId(), PreviousTrackerRun.DELIVERED_ALL.userId());

        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> stuck = operator().get("/clients/stuck?older_than=PT1S&limit=1000")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            assertThat(stuck.stream().filter(c -> previousUsers.contains(c.get("user_id"))))
                    .extracting(c -> c.get("user_id"), c -> c.get("client_id"), c -> c.get("request_id"), c -> c.get("waiting_in"),
                            c -> Instant.parse((String) c.get("since")), c -> c.get("alerted"))
                    .containsExactly(
                            tuple("previous-applied", "device", 12, "applied_not_replicated", since, true),
                            tuple("previous-queued", "device", 11, "queued", since, true),
                            tuple("previous-replicated", "device", 13, "replicated_not_delivered", since, true));
        });
        JsonPath delivered = operator().get("/clients/previous-delivered/device").then().statusCode(200).extract().jsonPath();
        assertThat(delivered.getLong("delivered.request_id")).isEqualTo(14);
        assertThat(delivered.getString("waiting_in")).isNull();

        // The check has run on the rebuilt state once it counts the three stuck clients again.
        await().atMost(WAIT).untilAsserted(() -> assertThat(metric("relay_tracker_stuck_clients ")).isGreaterThanOrEqualTo(3));
        List<ClientAlert> alerts = topics.alerts();
        assertThat(alerts.stream().filter(a -> previousUsers.contains(a.userId())))
                .as("the stuck marks came back with the state: no second alert")
                .extracting(ClientAlert::type, ClientAlert::userId, ClientAlert::instance)
                .containsExactlyInAnyOrder(
                        tuple(ClientAlert.Type.STUCK, "previous-queued", PreviousTrackerRun.INSTANCE),
                        tuple(ClientAlert.Type.STUCK, "previous-applied", PreviousTrackerRun.INSTANCE),
                        tuple(ClientAlert.Type.STUCK, "previous-replicated", PreviousTrackerRun.INSTANCE));
    }

    @Test
    void eventsShowInTheStateAndTheStuckListUntilDelivered() {
        ClientKey client = new ClientKey("live-user", "phone-1");
        Instant requested = Instant.now();
        topics.send(event(client, REQUESTED, 5, requested));

        await().atMost(WAIT).untilAsserted(() -> operator().get("/clients/live-user/phone-1").then().statusCode(200)
                .body("requested.request_id", is(5))
                .body("waiting_in", is("queued"))
                .body("stuck.waiting_in", is("queued")));
        List<Map<String, Object>> stuck = operator().get("/clients/stuck?older_than=PT0.5S").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(stuck).filteredOn(c -> "live-user".equals(c.get("user_id")))
                .extracting(c -> c.get("request_id"), c -> c.get("waiting_in"), c -> Instant.parse((String) c.get("since")))
                .containsExactly(tuple(5, "queued", requested));
        assertThat(operator().get("/clients/stuck?older_than=PT1H").then().statusCode(200).extract().jsonPath().getList("$")).isEmpty();

        topics.send(event(client, APPLIED, 5, requested.plusMillis(30)), event(client, REPLICATED, 5, requested.plusMillis(60)),
                event(client, DELIVERED, 5, requested.plusMillis(100)));
        await().atMost(WAIT).untilAsserted(() -> operator().get("/clients/live-user/phone-1").then().statusCode(200)
                .body("delivered.request_id", is(5))
                .body("waiting_in", is((Object) null))
                .body("stuck", is((Object) null)));
        assertThat(operator().get("/clients/stuck?older_than=PT0S").then().extract().jsonPath().getList("user_id"))
                .doesNotContain("live-user");
        await().atMost(WAIT).untilAsserted(() -> assertThat(topics.alerts()).filteredOn(a -> "live-user".equals(a.userId()))
                .extracting(ClientAlert::type, ClientAlert::requestId, ClientAlert::waitingIn)
                .containsExactly(tuple(ClientAlert.Type.STUCK, 5L, WaitingStage.QUEUED),
                        tuple(ClientAlert.Type.RECOVERED, 5L, null)));
        assertThat(metric("relay_tracker_stage_latency_seconds_count{from=\"requested\",to=\"delivered\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric("relay_tracker_stage_latency_seconds{from=\"requested\",to=\"delivered\",quantile=\"0.99\"}")).isPositive();
    }

    @Test
    void queriesNeedAnOperatorToken() {
        given().get("/clients/stuck").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().get("/clients/live-user/phone-1").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        String userToken = TOKENS.issue("live-user", Duration.ofMinutes(5));
        given().header("Authorization", "Token " + userToken).get("/clients/stuck").then().statusCode(403)
                .body("error.code", is("FORBIDDEN"));
        given().header("Authorization", "Token " + userToken).get("/clients/live-user/phone-1").then().statusCode(403);

        operator().get("/clients/nobody/nothing").then().statusCode(404).body("error.code", is("NOT_FOUND"));
        operator().get("/clients/stuck?older_than=10s").then().statusCode(400).body("error.code", is("BAD_REQUEST"));
        operator().get("/clients/stuck?limit=0").then().statusCode(400).body("error.code", is("BAD_REQUEST"));
    }

    @Test
    void healthIncludesKafkaStreams() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", hasItem("Kafka Streams state health check"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Kafka Streams topics health check"));
    }

    private static RequestSpecification operator() {
        String token = TOKENS.issue("operator", Duration.ofMinutes(5), Map.of("groups", List.of(ClientsResource.OPERATOR_ROLE)));
        return given().header("Authorization", "Bearer " + token);
    }

    /** The value of the first Prometheus line starting with {@code series}, or -1. */
    private static double metric(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series)).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(-1.0);
    }
}
