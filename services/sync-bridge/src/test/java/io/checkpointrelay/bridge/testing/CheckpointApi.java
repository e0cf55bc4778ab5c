package io.checkpointrelay.bridge.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;

import io.checkpointrelay.stack.DevTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The managed-mode endpoints as a client calls them, over real HTTP. */
public final class CheckpointApi {

    private static final DevTokens TOKENS = new DevTokens(PostgresResource.JWT_SECRET);

    private CheckpointApi() {
    }

    public static String token(String userId) {
        return TOKENS.issue(userId, Duration.ofMinutes(5));
    }

    /** {@code POST /sync/checkpoint-request} with {@code idJson} as the id's JSON text ({@code "\"5\""} or {@code "5"}). */
    public static Response post(String userId, String clientId, String idJson) {
        return postBody(userId, "{\"client_id\":\"" + clientId + "\",\"checkpoint_request_id\":" + idJson + "}");
    }

    public static Response postBody(String userId, String body) {
        return given().header("Authorization", "Token " + token(userId)).contentType(ContentType.JSON).body(body)
                .post("/sync/checkpoint-request");
    }

    /** The stored id a post answered with; fails unless the answer is 200 with the id as a string. */
    public static String request(String userId, String clientId, String idJson) {
        return post(userId, clientId, idJson).then().statusCode(200).extract().jsonPath().getString("data.checkpoint_request_id");
    }

    /** {@code GET /write-checkpoint2.json}; the new id (asserted to be a JSON string). */
    public static String writeCheckpoint(String userId, String clientId) {
        Response response = given().header("Authorization", "Token " + token(userId)).queryParam("client_id", clientId)
                .get("/write-checkpoint2.json");
        response.then().statusCode(200).contentType(ContentType.JSON);
        Object id = response.jsonPath().get("data.write_checkpoint");
        if (!(id instanceof String text)) {
            throw new AssertionError("write_checkpoint must be a JSON string, got " + response.asString());
        }
        return text;
    }
}
