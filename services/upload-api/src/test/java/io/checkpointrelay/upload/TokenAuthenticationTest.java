package io.checkpointrelay.upload;

import static io.checkpointrelay.upload.TestClients.secret;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Only a valid token for this service, carrying a user id, may upload. (A missing, garbage or
 * expired token on either endpoint is in {@link BadInputTest}.)
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class TokenAuthenticationTest {

    private static final String USER = "auth-user";

    private static RequestSpecification checkpointRequest() {
        return given().contentType(ContentType.JSON).body("""
                {"client_id": "%s", "checkpoint_request_id": "1", "batch": []}
                """.formatted(TestClients.uniqueId("auth-client")));
    }

    private static void assertRejected(RequestSpecification request) {
        request.post("/api/data").then()
                .statusCode(401)
                .contentType(ContentType.JSON)
                .body("error.code", is("UNAUTHORIZED"))
                .body("error.message", not(emptyOrNullString()));
    }

    private static JwtClaims claims(String subject, String audience) {
        JwtClaims claims = new JwtClaims();
        if (subject != null) {
            claims.setSubject(subject);
        }
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        return claims;
    }

    @Test
    void tokenSchemeIsAccepted() {
        checkpointRequest().header("Authorization", "Token " + TestClients.tokenFor(USER))
                .post("/api/data").then().statusCode(200);
    }

    @Test
    void bearerSchemeIsAccepted() {
        checkpointRequest().header("Authorization", "Bearer " + TestClients.tokenFor(USER))
                .post("/api/data").then().statusCode(200);
    }

    @Test
    void tokenLivingLongerThanADayIsRejected() {
        long now = System.currentTimeMillis() / 1000;
        JwtClaims twoDays = claims(USER, DevTokens.DEFAULT_AUDIENCE);
        twoDays.setIssuedAt(NumericDate.fromSeconds(now));
        twoDays.setExpirationTime(NumericDate.fromSeconds(now + 2 * 86400));
        assertRejected(checkpointRequest().header("Authorization", "Token " + new DevTokens(secret()).sign(twoDays)));

        JwtClaims oneHour = claims(USER, DevTokens.DEFAULT_AUDIENCE);
        oneHour.setIssuedAt(NumericDate.fromSeconds(now));
        oneHour.setExpirationTime(NumericDate.fromSeconds(now + 3600));
        checkpointRequest().header("Authorization", "Token " + new DevTokens(secret()).sign(oneHour))
                .post("/api/data").then().statusCode(200);
    }

    @Test
    void tokenForAnotherAudienceIsRejected() {
        String token = new DevTokens(secret(), "another-service").issue(USER, Duration.ofMinutes(10));
        assertRejected(checkpointRequest().header("Authorization", "Token " + token));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRejected() {
        String token = new DevTokens("not-the-secret-of-this-service-0123456789").issue(USER, Duration.ofMinutes(10));
        assertRejected(checkpointRequest().header("Authorization", "Token " + token));
    }

    @Test
    void unsignedTokenIsRejected() {
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        String header = base64url.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = base64url.encodeToString(
                claims(USER, DevTokens.DEFAULT_AUDIENCE).toJson().getBytes(StandardCharsets.UTF_8));
        assertRejected(checkpointRequest().header("Authorization", "Token " + header + "." + payload + "."));
    }

    @Test
    void tokenWithoutSubjectIsRejected() {
        String token = new DevTokens(secret()).sign(claims(null, DevTokens.DEFAULT_AUDIENCE));
        assertRejected(checkpointRequest().header("Authorization", "Token " + token));
    }

    @Test
    void tokenNamingItsUserOnlyByUpnIsRejected() {
        JwtClaims claims = claims(null, DevTokens.DEFAULT_AUDIENCE);
        claims.setClaim("upn", USER);
        assertRejected(checkpointRequest().header("Authorization", "Token " + new DevTokens(secret()).sign(claims)));
    }
}
