package io.checkpointrelay.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What operators and client developers read besides the API itself. */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class OperationalEndpointsTest {

    @Test
    void readinessIncludesTheKafkaChannel() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body(containsString("uploads"));
    }

    @Test
    void startupCheckFindsTheTopic() {
        given().get("/q/health/started").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body(containsString("uploads"));
    }

    @Test
    void metricsCountAcceptedUploads() {
        TestClients.uploadMarker("metrics-user", TestClients.uniqueId("metrics-client"));
        given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("relay_upload_requests_total{outcome=\"accepted\"}"))
                .body(containsString("relay_upload_entries_total"));
    }

    @Test
    void openApiDescribesTheUploadEndpoint() {
        given().get("/q/openapi").then()
                .statusCode(200)
                .body(containsString("/api/data"));
    }
}
