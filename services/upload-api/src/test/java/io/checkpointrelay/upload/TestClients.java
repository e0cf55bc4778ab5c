package io.checkpointrelay.upload;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import io.checkpointrelay.stack.DevTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Users, clients and their HTTP calls, as a PowerSync connector would make them. */
final class TestClients {

    private TestClients() {
    }

    static String secret() {
        return ConfigProvider.getConfig().getValue("relay.jwt.secret", String.class);
    }

    static String tokenFor(String userId) {
        return new DevTokens(secret()).issue(userId, Duration.ofMinutes(10));
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** {@code POST /api/data} as user, with the given JSON body. */
    static Response upload(String userId, String body) {
        return given()
                .header("Authorization", "Token " + tokenFor(userId))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/data");
    }

    /** A checkpoint-only request that must succeed; returns its batch id. */
    static String uploadMarker(String userId, String clientId) {
        return upload(userId, """
                {"client_id": "%s", "checkpoint_request_id": "7", "batch": []}
                """.formatted(clientId))
                .then().statusCode(200)
                .extract().path("data.batch_id");
    }

    /** {@code POST /api/checkpoint-request} as user, with the given JSON body. */
    static Response checkpointRequest(String userId, String body) {
        return given()
                .header("Authorization", "Token " + tokenFor(userId))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/checkpoint-request");
    }

    /** A checkpoint request as the stock SDK's connector posts it; returns the effective id. */
    static String requestCheckpoint(String userId, String clientId, String requestId) {
        return checkpointRequest(userId, """
                {"client_id": "%s", "checkpoint_request_id": "%s"}
                """.formatted(clientId, requestId))
                .then().statusCode(200)
                .extract().path("data.checkpoint_request_id");
    }

    /** An upload without a checkpoint request (so it moves no counter) that must succeed; returns its batch id. */
    static String uploadEntryMarker(String userId, String clientId) {
        return upload(userId, """
                {"client_id": "%s", "batch": [{"op": "DELETE", "type": "todos", "id": "%s"}]}
                """.formatted(clientId, UUID.randomUUID()))
                .then().statusCode(200)
                .extract().path("data.batch_id");
    }
}
