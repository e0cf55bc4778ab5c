package io.checkpointrelay.http.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;

/** Calls {@link SubjectResource} with a token and checks the answer. */
public final class SubjectRequests {

    private SubjectRequests() {
    }

    /** The issuer {@link TestIssuerResource} started for this application. */
    public static TestIssuer issuer() {
        return TestIssuer.open(Path.of(ConfigProvider.getConfig().getValue(TestIssuerResource.ISSUER_DIR, String.class)));
    }

    public static void assertAccepted(String token, String subject) {
        given().header("Authorization", "Token " + token)
                .get("/test/subject").then()
                .statusCode(200)
                .body(is(subject));
    }

    public static void assertRejected(String token) {
        given().header("Authorization", "Token " + token)
                .get("/test/subject").then()
                .statusCode(401)
                .contentType(ContentType.JSON)
                .body("error.code", is("UNAUTHORIZED"))
                .body("error.message", not(emptyOrNullString()));
    }
}
