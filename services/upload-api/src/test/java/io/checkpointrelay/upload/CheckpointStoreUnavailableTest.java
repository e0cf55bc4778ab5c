package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * When the database does not answer, a checkpoint request (alone or with a batch) gets a 503
 * and nothing is queued; uploads without a request still work.
 */
@QuarkusTest
@WithTestResource(value = UploadsStackResource.class,
        initArgs = @ResourceArg(name = UploadsStackResource.DATABASE_ARG, value = "down"))
class CheckpointStoreUnavailableTest {

    @Test
    void checkpointRequestAnswers503AndQueuesNothing() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        TestClients.checkpointRequest(user, """
                {"client_id": "%s", "checkpoint_request_id": "4"}""".formatted(client)).then()
                .statusCode(503)
                .contentType(ContentType.JSON)
                .header("Retry-After", is("5"))
                .body("error.code", is("CHECKPOINT_STORE_UNAVAILABLE"));
        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "4",
                 "batch": [{"op": "DELETE", "type": "todos", "id": "0b7e1b8a-54a4-4c55-9a3e-2f7f0d3c1e01"}]}""".formatted(client)).then()
                .statusCode(503)
                .body("error.code", is("CHECKPOINT_STORE_UNAVAILABLE"));

        String marker = TestClients.uploadEntryMarker(user, client);
        try (UploadsTopic topic = new UploadsTopic()) {
            assertThat(topic.recordsUntil(new ClientKey(user, client).toKafkaKey(), marker))
                    .extracting(record -> record.value().batchId())
                    .containsExactly(marker);
        }
    }
}
