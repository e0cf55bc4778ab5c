package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * When the database does not answer, checkpoint requests (alone or with a batch) and batches
 * writing tables with an owner_column (whose stored owners must be checked) get a 503 with
 * Retry-After, and nothing is queued.
 */
@QuarkusTest
@WithTestResource(value = UploadsStackResource.class,
        initArgs = @ResourceArg(name = UploadsStackResource.DATABASE_ARG, value = "down"))
class DatabaseUnavailableTest {

    private static final String TODO_DELETE = """
            {"op": "DELETE", "type": "todos", "id": "0b7e1b8a-54a4-4c55-9a3e-2f7f0d3c1e01"}""";

    @Test
    void checkpointRequestAnswers503AndQueuesNothing() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        TestClients.checkpointRequest(user, """
                {"client_id": "%s", "checkpoint_request_id": "4"}""".formatted(client)).then()
                .statusCode(503)
                .contentType(ContentType.JSON)
                .header("Retry-After", is("5"))
                .body("error.code", is("DATABASE_UNAVAILABLE"));
        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "4", "batch": []}""".formatted(client)).then()
                .statusCode(503)
                .body("error.code", is("DATABASE_UNAVAILABLE"));

        assertNothingQueued(user);
    }

    @Test
    void batchWritingOwnedTablesAnswers503AndQueuesNothing() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        TestClients.upload(user, """
                {"client_id": "%s", "batch": [%s]}""".formatted(client, TODO_DELETE)).then()
                .statusCode(503)
                .contentType(ContentType.JSON)
                .header("Retry-After", is("5"))
                .body("error.code", is("DATABASE_UNAVAILABLE"));
        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "4", "batch": [%s]}""".formatted(client, TODO_DELETE)).then()
                .statusCode(503)
                .body("error.code", is("DATABASE_UNAVAILABLE"));

        assertNothingQueued(user);
    }

    private static void assertNothingQueued(String user) {
        try (UploadsTopic topic = new UploadsTopic()) {
            assertThat(topic.recordsOfUserNow(user)).isEmpty();
        }
    }
}
