package io.checkpointrelay.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * When Kafka does not take a batch (here: the configured topic does not exist, so no broker
 * will ever acknowledge it) the client gets a 503 within the delivery timeout, and the startup
 * check says why.
 */
@QuarkusTest
@TestProfile(QueueUnavailableTest.MissingTopic.class)
@WithTestResource(UploadsStackResource.class)
class QueueUnavailableTest {

    public static class MissingTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "relay.uploads.topic", "relay.uploads.absent",
                    "relay.upload.delivery-timeout", "2s");
        }
    }

    @Test
    void uploadAnswers503WhenKafkaDoesNotAcknowledge() {
        TestClients.upload("queue-user", """
                {"client_id": "queue-client", "checkpoint_request_id": "3", "batch": []}
                """).then()
                .statusCode(503)
                .contentType(ContentType.JSON)
                .header("Retry-After", is("5"))
                .body("error.code", is("QUEUE_UNAVAILABLE"));
    }

    @Test
    void startupCheckReportsTheMissingTopic() {
        given().get("/q/health/started").then()
                .statusCode(503)
                .body("status", is("DOWN"))
                .body(containsString("relay.uploads.absent"));
    }
}
