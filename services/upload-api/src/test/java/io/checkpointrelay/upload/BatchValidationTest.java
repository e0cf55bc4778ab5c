package io.checkpointrelay.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Anything the write-applier could not apply is refused with a 400 that says what is wrong,
 * and a refused request leaves nothing on the topic: after each refusal the same client sends
 * a valid marker request, and the marker must be the only record of that client.
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class BatchValidationTest {

    private static final String USER = "validation-user";
    private static final String TODO_ID = "1f0c6a52-3c1e-4a8e-9d1b-6f4f3e1c2a10";
    private static final String LIST_ID = "7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final String GOOD_TODO = """
            {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "milk", "list_id": "%s"}}"""
            .formatted(TODO_ID, LIST_ID);

    private static UploadsTopic topic;

    @BeforeAll
    static void openTopic() {
        topic = new UploadsTopic();
    }

    @AfterAll
    static void closeTopic() {
        topic.close();
    }

    /** Name, body ({@code CLIENT} stands for the client id), and what the message must say. */
    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("unknown table", batch("""
                        {"op": "PUT", "type": "notes", "id": "n1", "data": {"text": "x"}}"""),
                        "batch[0]: unknown table 'notes'"),
                Arguments.of("unknown column", batch(GOOD_TODO, GOOD_TODO, """
                        {"op": "PATCH", "type": "todos", "id": "%s", "data": {"colour": "red"}}""".formatted(TODO_ID)),
                        "batch[2]: unknown column 'colour' of table 'todos'"),
                Arguments.of("wrong value type", batch("""
                        {"op": "PATCH", "type": "todos", "id": "%s", "data": {"completed": "yes"}}""".formatted(TODO_ID)),
                        "batch[0]: column 'completed': expected boolean, got string \"yes\""),
                Arguments.of("id not a uuid", batch("""
                        {"op": "DELETE", "type": "todos", "id": "not-a-uuid"}"""),
                        "batch[0]: id: expected uuid"),
                Arguments.of("bad op", batch("""
                        {"op": "FOO", "type": "todos", "id": "%s"}""".formatted(TODO_ID)),
                        "batch[0]: op must be PUT, PATCH or DELETE, got \"FOO\""),
                Arguments.of("entry not an object", batch("42"), "batch[0]: must be a CRUD entry object, got number"),
                Arguments.of("data not an object", batch("""
                        {"op": "PUT", "type": "todos", "id": "%s", "data": ["milk"]}""".formatted(TODO_ID)),
                        "batch[0]: data must be an object of column values, got array"),
                Arguments.of("op_id not an integer", batch("""
                        {"op": "DELETE", "type": "todos", "id": "%s", "op_id": "one"}""".formatted(TODO_ID)),
                        "batch[0]: op_id must be an integer"),
                Arguments.of("every bad entry named", batch(GOOD_TODO, """
                        {"op": "PUT", "type": "todos", "id": "%s", "data": {"colour": "red"}}""".formatted(TODO_ID), """
                        {"op": "PUT", "type": "todos", "id": "%s", "data": {"size": 3}}""".formatted(TODO_ID)),
                        "batch[1]: unknown column 'colour' of table 'todos'; batch[2]: unknown column 'size'"),
                Arguments.of("a row created for another user", batch("""
                        {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "x", "created_by": "mallory"}}""".formatted(TODO_ID)),
                        "batch[0]: column 'created_by' of table 'todos' must be your own user id 'validation-user', not \"mallory\""),
                Arguments.of("a row handed to another user", batch("""
                        {"op": "PATCH", "type": "lists", "id": "%s", "data": {"owner_id": "mallory"}}""".formatted(LIST_ID)),
                        "batch[0]: column 'owner_id' of table 'lists' must be your own user id 'validation-user'"),
                Arguments.of("batch not an array", """
                        {"client_id": "CLIENT", "batch": {"op": "PUT"}}""", "batch must be an array of CRUD entries, got object"),
                Arguments.of("nothing to queue", """
                        {"client_id": "CLIENT", "batch": []}""", "batch is empty and there is no checkpoint_request_id"),
                Arguments.of("missing client_id", """
                        {"batch": [%s]}""".formatted(GOOD_TODO), "client_id is missing"),
                Arguments.of("blank client_id", """
                        {"client_id": "  ", "batch": [%s]}""".formatted(GOOD_TODO), "client_id must not be blank"),
                Arguments.of("client_id not a string", """
                        {"client_id": 12, "batch": [%s]}""".formatted(GOOD_TODO), "client_id must be a string, got number"),
                Arguments.of("client_id too long", """
                        {"client_id": "%s", "batch": [%s]}""".formatted("c".repeat(257), GOOD_TODO),
                        "client_id is 257 characters long, at most 256"),
                Arguments.of("checkpoint id 0", checkpoint("\"0\""), "checkpoint_request_id must be from 1 to 2^63-1, got 0"),
                Arguments.of("checkpoint id integer 0", checkpoint("0"), "checkpoint_request_id must be from 1 to 2^63-1, got 0"),
                Arguments.of("negative checkpoint id", checkpoint("-5"), "checkpoint_request_id must be from 1 to 2^63-1, got -5"),
                Arguments.of("negative checkpoint id text", checkpoint("\"-5\""), "checkpoint_request_id must be a decimal integer"),
                Arguments.of("checkpoint id 2^63", checkpoint("\"9223372036854775808\""),
                        "checkpoint_request_id must be from 1 to 2^63-1, got 9223372036854775808"),
                Arguments.of("checkpoint id integer 2^63", checkpoint("9223372036854775808"),
                        "checkpoint_request_id must be from 1 to 2^63-1, got 9223372036854775808"),
                Arguments.of("checkpoint id abc", checkpoint("\"abc\""), "checkpoint_request_id must be a decimal integer from 1 to 2^63-1, got 'abc'"),
                Arguments.of("checkpoint id float", checkpoint("1.5"), "checkpoint_request_id must be a decimal string or an integer, got number"),
                Arguments.of("too many entries", batch(IntStream.range(0, 1001)
                        .mapToObj(i -> "{\"op\": \"DELETE\", \"type\": \"todos\", \"id\": \"" + UUID.randomUUID() + "\"}")
                        .toArray(String[]::new)),
                        "batch has 1001 entries, at most 1000 are allowed"),
                Arguments.of("body not an object", "[]", "The body must be a JSON object, got array"),
                Arguments.of("malformed JSON", """
                        {"client_id": "CLIENT", "batch": [""", "not valid JSON"));
    }

    private static String batch(String... entries) {
        return """
                {"client_id": "CLIENT", "batch": [%s]}""".formatted(String.join(", ", entries));
    }

    private static String checkpoint(String idJson) {
        return """
                {"client_id": "CLIENT", "checkpoint_request_id": %s, "batch": []}""".formatted(idJson);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidBodyIsRefusedAndNothingIsQueued(String name, String body, String expectedMessage) {
        String client = TestClients.uniqueId("validation-client");

        TestClients.upload(USER, body.replace("CLIENT", client)).then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.code", is("BAD_REQUEST"))
                .body("error.message", containsString(expectedMessage));

        assertOnlyMarkerQueued(client);
    }

    @Test
    void oversizedBodyIsRefusedAndNothingIsQueued() {
        String client = TestClients.uniqueId("validation-client");
        String hugeDescription = "x".repeat(1100 * 1024);
        String body = batch("""
                {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "%s"}}""".formatted(TODO_ID, hugeDescription))
                .replace("CLIENT", client);

        given().header("Authorization", "Token " + TestClients.tokenFor(USER))
                .contentType(ContentType.JSON).body(body)
                .post("/api/data").then()
                .statusCode(413)
                .contentType(ContentType.JSON)
                .body("error.code", is("REQUEST_ENTITY_TOO_LARGE"))
                .body("error.message", containsString("upload in smaller batches"));

        assertOnlyMarkerQueued(client);
    }

    @Test
    void wrongContentTypeIsRefused() {
        given().header("Authorization", "Token " + TestClients.tokenFor(USER))
                .contentType(ContentType.TEXT).body("client_id=x")
                .post("/api/data").then()
                .statusCode(415)
                .contentType(ContentType.JSON)
                .body("error.code", is("UNSUPPORTED_MEDIA_TYPE"));
    }

    private static void assertOnlyMarkerQueued(String client) {
        String marker = TestClients.uploadMarker(USER, client);
        List<String> queued = topic.recordsUntil(new ClientKey(USER, client).toKafkaKey(), marker).stream()
                .map(record -> record.value().batchId())
                .collect(Collectors.toList());
        assertThat(queued).containsExactly(marker);
    }
}
