package io.checkpointrelay.upload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Every kind of bad input to {@code POST /api/data} and {@code POST /api/checkpoint-request}
 * gets a 4xx with a JSON error saying what is wrong, never a 5xx, and leaves nothing behind:
 * after each refusal the same user queues a marker, and reading the whole topic up to now must
 * find the marker and nothing else of that user; no checkpoint request id of that user is stored.
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class BadInputTest {

    /** Owns the stored rows the writer may not touch; never named in an answer. */
    private static final String THEIR_OWNER = "bad-input-other-owner";
    private static final String THEIR_LIST = "6c3f5e0a-1b2d-4c8e-9f70-2a4b6c8d0e12";
    private static final String THEIR_TODO = "9e8d7c6b-5a49-4382-a170-f0e1d2c3b4a5";
    private static final String TODO_ID = "1f0c6a52-3c1e-4a8e-9d1b-6f4f3e1c2a10";
    private static final String LIST_ID = "7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    /** Valid for {@code USER}: a case breaks exactly one thing next to it. */
    private static final String GOOD_TODO = """
            {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "milk", "list_id": "%s", "created_by": "USER"}}"""
            .formatted(TODO_ID, LIST_ID);

    private static UploadsTopic topic;

    @Inject
    Pool pool;

    private AppDatabase database;

    @TestHTTPResource("/")
    URI baseUri;

    enum Endpoint {
        DATA("/api/data"), CHECKPOINT("/api/checkpoint-request");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /** How to send the request, given the user and client of this case. */
    interface Sender {
        RequestSpecification prepare(String user, String client);
    }

    /** One bad request and the answer it must get ({@code message} is a part of the error message). */
    record BadInput(Endpoint endpoint, String name, Sender sender, int status, String code, String message) {
        @Override
        public String toString() {
            return endpoint.path + ": " + name;
        }
    }

    static Stream<BadInput> badInputs() {
        List<BadInput> cases = new ArrayList<>();
        cases.addAll(malformedJson());
        cases.addAll(bodyNotAnObject());
        cases.addAll(clientIds());
        cases.addAll(checkpointRequestIds());
        cases.addAll(batchStructure());
        cases.addAll(schemaViolations());
        cases.addAll(ownership());
        cases.addAll(transport());
        cases.addAll(tokens());
        return cases.stream();
    }

    private static List<BadInput> malformedJson() {
        List<BadInput> cases = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
            String notJson = "not valid JSON";
            cases.add(badRequest(endpoint, "truncated JSON", "{\"client_id\": \"CLIENT\", \"batch\": [", notJson));
            cases.add(badRequest(endpoint, "single quotes", "{'client_id': 'CLIENT', 'checkpoint_request_id': '5'}", notJson));
            cases.add(badRequest(endpoint, "trailing comma", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\",}", notJson));
            cases.add(badRequest(endpoint, "comment", "{\"client_id\": \"CLIENT\", /* hi */ \"checkpoint_request_id\": \"5\"}", notJson));
            cases.add(badRequest(endpoint, "NaN", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": NaN}", notJson));
            cases.add(badRequest(endpoint, "plain text", "hello", notJson));
            cases.add(badRequest(endpoint, "trailing garbage", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\"} x", notJson));
            cases.add(badRequest(endpoint, "a number with 2000 digits", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": "
                    + "9".repeat(2000) + "}", notJson));
            cases.add(badRequest(endpoint, "nested 5000 deep", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\", \"x\": "
                    + "[".repeat(5000) + "]".repeat(5000) + "}", notJson));
            byte[] latin1 = "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\", \"x\": \"caf\u00e9\"}"
                    .getBytes(StandardCharsets.ISO_8859_1);
            cases.add(new BadInput(endpoint, "invalid UTF-8",
                    (user, client) -> authorized(user).contentType(ContentType.JSON)
                            .body(new String(latin1, StandardCharsets.ISO_8859_1).replace("CLIENT", client)
                                    .getBytes(StandardCharsets.ISO_8859_1)),
                    400, "BAD_REQUEST", notJson));
        }
        return cases;
    }

    private static List<BadInput> bodyNotAnObject() {
        List<BadInput> cases = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
            for (String body : List.of("[]", "\"text\"", "42", "true", "null")) {
                cases.add(badRequest(endpoint, "body " + body, body, "The body must be a JSON object"));
            }
            cases.add(badRequest(endpoint, "empty body", "", "The body must be a JSON object"));
        }
        return cases;
    }

    private static List<BadInput> clientIds() {
        List<BadInput> cases = new ArrayList<>();
        String tooLong = "c".repeat(ClientKey.MAX_CLIENT_ID_LENGTH + 1);
        cases.addAll(clientId("missing client_id", null, "client_id is missing"));
        cases.addAll(clientId("null client_id", "null", "client_id is missing"));
        cases.addAll(clientId("empty client_id", "\"\"", "client_id must not be blank"));
        cases.addAll(clientId("blank client_id", "\"  \"", "client_id must not be blank"));
        cases.addAll(clientId("numeric client_id", "12", "client_id must be a string, got number"));
        cases.addAll(clientId("boolean client_id", "true", "client_id must be a string, got boolean"));
        cases.addAll(clientId("object client_id", "{}", "client_id must be a string, got object"));
        cases.addAll(clientId("array client_id", "[\"a\"]", "client_id must be a string, got array"));
        cases.addAll(clientId("client_id too long", "\"" + tooLong + "\"",
                "client_id is " + tooLong.length() + " characters long, at most " + ClientKey.MAX_CLIENT_ID_LENGTH + " are allowed"));
        return cases;
    }

    /** The same client_id (JSON text, null for none) in an otherwise valid body of each endpoint. */
    private static List<BadInput> clientId(String name, String clientIdJson, String message) {
        String field = clientIdJson == null ? "" : "\"client_id\": " + clientIdJson + ", ";
        return List.of(
                badRequest(Endpoint.DATA, name, "{" + field + "\"checkpoint_request_id\": \"5\", \"batch\": [" + GOOD_TODO + "]}", message),
                badRequest(Endpoint.CHECKPOINT, name, "{" + field + "\"checkpoint_request_id\": \"5\"}", message));
    }

    private static List<BadInput> checkpointRequestIds() {
        String range = "checkpoint_request_id must be from 1 to 2^63-1, got ";
        String decimal = "checkpoint_request_id must be a decimal integer from 1 to 2^63-1, got ";
        String kind = "checkpoint_request_id must be a decimal string or an integer, got ";
        List<BadInput> cases = new ArrayList<>();
        cases.addAll(requestId("negative id", "-5", range + "-5"));
        cases.addAll(requestId("negative id as text", "\"-5\"", decimal + "'-5'"));
        cases.addAll(requestId("id 0", "0", range + "0"));
        cases.addAll(requestId("id 0 as text", "\"0\"", range + "0"));
        cases.addAll(requestId("id 2^63", "9223372036854775808", range + "9223372036854775808"));
        cases.addAll(requestId("id 2^63 as text", "\"9223372036854775808\"", range + "9223372036854775808"));
        cases.addAll(requestId("id of 30 digits as text", "\"" + "1".repeat(30) + "\"", decimal + "'" + "1".repeat(30) + "'"));
        cases.addAll(requestId("fractional id", "1.5", kind + "number"));
        cases.addAll(requestId("fractional id as text", "\"1.5\"", decimal + "'1.5'"));
        cases.addAll(requestId("exponent id", "1e3", kind + "number"));
        cases.addAll(requestId("exponent id as text", "\"1e3\"", decimal + "'1e3'"));
        cases.addAll(requestId("non-numeric id", "\"abc\"", decimal + "'abc'"));
        cases.addAll(requestId("empty id", "\"\"", decimal + "''"));
        cases.addAll(requestId("id with spaces", "\" 5\"", decimal + "' 5'"));
        cases.addAll(requestId("boolean id", "true", kind + "boolean"));
        cases.addAll(requestId("object id", "{\"id\": 5}", kind + "object"));
        cases.addAll(requestId("array id", "[5]", kind + "array"));
        cases.add(badRequest(Endpoint.CHECKPOINT, "missing id", "{\"client_id\": \"CLIENT\"}", "checkpoint_request_id is missing"));
        cases.add(badRequest(Endpoint.CHECKPOINT, "null id", "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": null}",
                "checkpoint_request_id is missing"));
        return cases;
    }

    /** The same checkpoint_request_id (JSON text) in an otherwise valid body of each endpoint. */
    private static List<BadInput> requestId(String name, String idJson, String message) {
        return List.of(
                badRequest(Endpoint.DATA, name, "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": " + idJson
                        + ", \"batch\": [" + GOOD_TODO + "]}", message),
                badRequest(Endpoint.CHECKPOINT, name, "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": " + idJson + "}", message));
    }

    private static List<BadInput> batchStructure() {
        String todo = "\"type\": \"todos\", \"id\": \"" + TODO_ID + "\"";
        String delete = "\"op\": \"DELETE\", ";
        return List.of(
                badRequest(Endpoint.DATA, "nothing to queue", "{\"client_id\": \"CLIENT\", \"batch\": []}",
                        "batch is empty and there is no checkpoint_request_id"),
                badRequest(Endpoint.DATA, "no batch and no id", "{\"client_id\": \"CLIENT\"}",
                        "batch is empty and there is no checkpoint_request_id"),
                badRequest(Endpoint.DATA, "batch an object", "{\"client_id\": \"CLIENT\", \"batch\": {\"op\": \"PUT\"}}",
                        "batch must be an array of CRUD entries, got object"),
                badRequest(Endpoint.DATA, "batch a string", "{\"client_id\": \"CLIENT\", \"batch\": \"[]\"}",
                        "batch must be an array of CRUD entries, got string"),
                badRequest(Endpoint.DATA, "batch a number", "{\"client_id\": \"CLIENT\", \"batch\": 3}",
                        "batch must be an array of CRUD entries, got number"),
                batch("entry a number", "42", "batch[0]: must be a CRUD entry object, got number"),
                batch("entry a string", "\"PUT\"", "batch[0]: must be a CRUD entry object, got string"),
                batch("entry null", "null", "batch[0]: must be a CRUD entry object, got null"),
                batch("entry an array", "[]", "batch[0]: must be a CRUD entry object, got array"),
                batch("op missing", "{" + todo + "}", "batch[0]: op must be PUT, PATCH or DELETE, got nothing"),
                batch("op a number", "{\"op\": 1, " + todo + "}", "batch[0]: op must be PUT, PATCH or DELETE, got 1"),
                batch("op in lower case", "{\"op\": \"put\", " + todo + "}", "batch[0]: op must be PUT, PATCH or DELETE, got \"put\""),
                batch("op unknown", "{\"op\": \"FOO\", " + todo + "}", "batch[0]: op must be PUT, PATCH or DELETE, got \"FOO\""),
                batch("type missing", "{" + delete + "\"id\": \"" + TODO_ID + "\"}", "batch[0]: type is missing"),
                batch("type a number", "{" + delete + "\"type\": 5, \"id\": \"" + TODO_ID + "\"}",
                        "batch[0]: type must be a non-empty string, got 5"),
                batch("type empty", "{" + delete + "\"type\": \"\", \"id\": \"" + TODO_ID + "\"}",
                        "batch[0]: type must be a non-empty string, got \"\""),
                batch("id missing", "{" + delete + "\"type\": \"todos\"}", "batch[0]: id is missing"),
                batch("id a number", "{" + delete + "\"type\": \"todos\", \"id\": 42}", "batch[0]: id must be a non-empty string, got 42"),
                batch("id empty", "{" + delete + "\"type\": \"todos\", \"id\": \"\"}", "batch[0]: id must be a non-empty string, got \"\""),
                batch("data an array", "{\"op\": \"PUT\", " + todo + ", \"data\": [\"milk\"]}",
                        "batch[0]: data must be an object of column values, got array"),
                batch("data a string", "{\"op\": \"PATCH\", " + todo + ", \"data\": \"milk\"}",
                        "batch[0]: data must be an object of column values, got string"),
                batch("op_id a string", "{" + delete + todo + ", \"op_id\": \"one\"}", "batch[0]: op_id must be an integer, got \"one\""),
                batch("op_id fractional", "{" + delete + todo + ", \"op_id\": 1.5}", "batch[0]: op_id must be an integer, got 1.5"),
                batch("op_id beyond 64 bits", "{" + delete + todo + ", \"op_id\": 9223372036854775808}",
                        "batch[0]: op_id must be an integer, got 9223372036854775808"),
                batch("tx_id a string", "{" + delete + todo + ", \"tx_id\": \"x\"}", "batch[0]: tx_id must be an integer, got \"x\""),
                badRequest(Endpoint.DATA, "too many entries", "{\"client_id\": \"CLIENT\", \"batch\": [" + IntStream.range(0, 1001)
                        .mapToObj(i -> "{\"op\": \"DELETE\", \"type\": \"todos\", \"id\": \"" + UUID.randomUUID() + "\"}")
                        .reduce((a, b) -> a + ", " + b).orElseThrow() + "]}",
                        "batch has 1001 entries, at most 1000 are allowed"));
    }

    private static List<BadInput> schemaViolations() {
        return List.of(
                batch("unknown table", "{\"op\": \"PUT\", \"type\": \"notes\", \"id\": \"n1\", \"data\": {\"text\": \"x\"}}",
                        "batch[0]: unknown table 'notes'"),
                batch("unknown column", GOOD_TODO + ", " + GOOD_TODO + ", {\"op\": \"PATCH\", \"type\": \"todos\", \"id\": \"" + TODO_ID
                        + "\", \"data\": {\"colour\": \"red\"}}", "batch[2]: unknown column 'colour' of table 'todos'"),
                batch("every bad entry named", GOOD_TODO
                        + ", {\"op\": \"PUT\", \"type\": \"todos\", \"id\": \"" + TODO_ID + "\", \"data\": {\"colour\": \"red\"}}"
                        + ", {\"op\": \"PUT\", \"type\": \"todos\", \"id\": \"" + TODO_ID + "\", \"data\": {\"size\": 3}}",
                        "batch[1]: unknown column 'colour' of table 'todos'; batch[2]: unknown column 'size'"),
                batch("id not a uuid", "{\"op\": \"DELETE\", \"type\": \"todos\", \"id\": \"not-a-uuid\"}",
                        "batch[0]: id: expected uuid, got string \"not-a-uuid\""),
                batch("data.id differs", "{\"op\": \"PUT\", \"type\": \"todos\", \"id\": \"" + TODO_ID + "\", \"data\": {\"id\": \""
                        + LIST_ID + "\"}}", "batch[0]: data.id differs from the entry id"),
                batch("boolean as text", patchTodo("{\"completed\": \"yes\"}"), "batch[0]: column 'completed': expected boolean, got string \"yes\""),
                batch("boolean 2", patchTodo("{\"completed\": 2}"), "batch[0]: column 'completed': expected boolean, got number 2"),
                batch("text as number", patchTodo("{\"description\": 5}"), "batch[0]: column 'description': expected text, got number 5"),
                batch("text with NUL", patchTodo("{\"description\": \"a\\u0000b\"}"),
                        "batch[0]: column 'description': text must not contain the NUL character"),
                batch("uuid column not a uuid", patchTodo("{\"list_id\": \"list-1\"}"),
                        "batch[0]: column 'list_id': expected uuid, got string \"list-1\""),
                batch("timestamp not a date", patchTodo("{\"completed_at\": \"yesterday\"}"),
                        "batch[0]: column 'completed_at': expected timestamptz (ISO-8601"),
                batch("timestamp out of range", patchTodo("{\"completed_at\": \"0000-01-01T00:00:00Z\"}"),
                        "batch[0]: column 'completed_at': expected timestamptz"),
                batch("owner column not text", patchTodo("{\"created_by\": 5}"),
                        "batch[0]: column 'created_by': expected text, got number 5"));
    }

    private static String patchTodo(String data) {
        return "{\"op\": \"PATCH\", \"type\": \"todos\", \"id\": \"" + TODO_ID + "\", \"data\": " + data + "}";
    }

    private static List<BadInput> ownership() {
        String forbidden = "ROW_OWNED_BY_ANOTHER_USER";
        return List.of(
                batch("a row created for another user", "{\"op\": \"PUT\", \"type\": \"todos\", \"id\": \"" + TODO_ID
                        + "\", \"data\": {\"description\": \"x\", \"created_by\": \"mallory\"}}",
                        "batch[0]: column 'created_by' of table 'todos' must be your own user id 'USER', not \"mallory\""),
                batch("a row handed to another user", "{\"op\": \"PATCH\", \"type\": \"lists\", \"id\": \"" + LIST_ID
                        + "\", \"data\": {\"owner_id\": \"mallory\"}}",
                        "batch[0]: column 'owner_id' of table 'lists' must be your own user id 'USER'"),
                batch("owner column set to null", "{\"op\": \"PATCH\", \"type\": \"lists\", \"id\": \"" + LIST_ID
                        + "\", \"data\": {\"owner_id\": null}}",
                        "batch[0]: column 'owner_id' of table 'lists' must be your own user id 'USER', not null"),
                new BadInput(Endpoint.DATA, "PUT over another user's stored row", json(batchBody("{\"op\": \"PUT\", \"type\": \"todos\", \"id\": \""
                        + THEIR_TODO + "\", \"data\": {\"description\": \"mine now\", \"list_id\": \"" + LIST_ID + "\", \"created_by\": \"USER\"}}")),
                        403, forbidden, "batch[0]: row '" + THEIR_TODO + "' of table 'todos' belongs to another user, you may not PUT it"),
                new BadInput(Endpoint.DATA, "PATCH of another user's stored row", json(batchBody("{\"op\": \"PATCH\", \"type\": \"lists\", \"id\": \""
                        + THEIR_LIST + "\", \"data\": {\"name\": \"mine now\"}}")),
                        403, forbidden, "batch[0]: row '" + THEIR_LIST + "' of table 'lists' belongs to another user, you may not PATCH it"),
                new BadInput(Endpoint.DATA, "DELETE of another user's stored row", json(batchBody(GOOD_TODO
                        + ", {\"op\": \"DELETE\", \"type\": \"todos\", \"id\": \"" + THEIR_TODO + "\"}")),
                        403, forbidden, "batch[1]: row '" + THEIR_TODO + "' of table 'todos' belongs to another user, you may not DELETE it"));
    }

    private static List<BadInput> transport() {
        List<BadInput> cases = new ArrayList<>();
        String huge = "x".repeat(1100 * 1024);
        for (Endpoint endpoint : Endpoint.values()) {
            String oversized = "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\", \"batch\": [" + GOOD_TODO.replace("milk", huge) + "]}";
            cases.add(new BadInput(endpoint, "body over the size limit", json(oversized),
                    413, "REQUEST_ENTITY_TOO_LARGE", "upload in smaller batches"));
            String body = "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\"}";
            cases.add(new BadInput(endpoint, "text/plain", (user, client) -> authorized(user)
                    .contentType(ContentType.TEXT).body(body.replace("CLIENT", client)), 415, "UNSUPPORTED_MEDIA_TYPE", ""));
            cases.add(new BadInput(endpoint, "form", (user, client) -> authorized(user)
                    .contentType(ContentType.URLENC).formParam("client_id", client).formParam("checkpoint_request_id", "5"),
                    415, "UNSUPPORTED_MEDIA_TYPE", ""));
            cases.add(new BadInput(endpoint, "application/xml", (user, client) -> authorized(user)
                    .contentType(ContentType.XML).body("<client_id>" + client + "</client_id>"), 415, "UNSUPPORTED_MEDIA_TYPE", ""));
        }
        return cases;
    }

    private static List<BadInput> tokens() {
        List<BadInput> cases = new ArrayList<>();
        String body = "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\", \"batch\": [" + GOOD_TODO + "]}";
        String invalid = "The token is invalid, expired or not meant for this service";
        for (Endpoint endpoint : Endpoint.values()) {
            cases.add(new BadInput(endpoint, "missing token", (user, client) -> given()
                    .contentType(ContentType.JSON).body(forUser(body, user, client)), 401, "UNAUTHORIZED", "Authorization: Token <jwt> is required"));
            cases.add(new BadInput(endpoint, "garbage token", (user, client) -> given().header("Authorization", "Token not-a-jwt")
                    .contentType(ContentType.JSON).body(forUser(body, user, client)), 401, "UNAUTHORIZED", invalid));
            cases.add(new BadInput(endpoint, "expired token", (user, client) -> given().header("Authorization", "Token " + expiredToken(user))
                    .contentType(ContentType.JSON).body(forUser(body, user, client)), 401, "UNAUTHORIZED", invalid));
            cases.add(new BadInput(endpoint, "unknown scheme", (user, client) -> given().header("Authorization", "Basic " + TestClients.tokenFor(user))
                    .contentType(ContentType.JSON).body(forUser(body, user, client)), 401, "UNAUTHORIZED", ""));
        }
        return cases;
    }

    private static String expiredToken(String user) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(user);
        claims.setAudience(DevTokens.DEFAULT_AUDIENCE);
        long now = System.currentTimeMillis() / 1000;
        claims.setIssuedAt(NumericDate.fromSeconds(now - 7200));
        claims.setExpirationTime(NumericDate.fromSeconds(now - 3600));
        return new DevTokens(TestClients.secret()).sign(claims);
    }

    private static BadInput badRequest(Endpoint endpoint, String name, String body, String message) {
        return new BadInput(endpoint, name, json(body), 400, "BAD_REQUEST", message);
    }

    private static BadInput batch(String name, String entries, String message) {
        return badRequest(Endpoint.DATA, name, batchBody(entries), message);
    }

    /** A body queueing these entries with a checkpoint request, so a wrongly accepted one would also be recorded. */
    private static String batchBody(String entries) {
        return "{\"client_id\": \"CLIENT\", \"checkpoint_request_id\": \"5\", \"batch\": [" + entries + "]}";
    }

    /** The body as JSON, with a valid token of the case's user. */
    private static Sender json(String body) {
        return (user, client) -> authorized(user).contentType(ContentType.JSON).body(forUser(body, user, client));
    }

    private static RequestSpecification authorized(String user) {
        return given().header("Authorization", "Token " + TestClients.tokenFor(user));
    }

    private static String forUser(String text, String user, String client) {
        return text.replace("CLIENT", client).replace("USER", user);
    }

    @BeforeAll
    static void openTopic() {
        topic = new UploadsTopic();
    }

    @AfterAll
    static void closeTopic() {
        topic.close();
    }

    @BeforeEach
    void rowsOfAnotherUser() {
        database = new AppDatabase(pool);
        database.storeList(THEIR_LIST, THEIR_OWNER);
        database.storeTodo(THEIR_TODO, THEIR_LIST, THEIR_OWNER);
    }

    /**
     * HTTP/2 (here cleartext h2c, which Java's client tries first; the rule is the same with TLS)
     * forbids connection headers: an oversized body must still get a 413 the client can read,
     * with the JSON error.
     */
    @Test
    void oversizedBodyOverHttp2GetsA413TheClientCanRead() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        String user = TestClients.uniqueId("bad-input");
        String client = TestClients.uniqueId("client");
        byte[] oversized = ("{\"client_id\": \"" + client + "\", \"checkpoint_request_id\": \"5\", \"batch\": ["
                + forUser(GOOD_TODO.replace("milk", "x".repeat(1100 * 1024)), user, client) + "]}").getBytes(StandardCharsets.UTF_8);
        for (Endpoint endpoint : Endpoint.values()) {
            HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(endpoint.path))
                    .header("Authorization", "Token " + TestClients.tokenFor(user))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(oversized))
                    .build();

            HttpResponse<String> response = http2.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).contains("\"code\":\"REQUEST_ENTITY_TOO_LARGE\"", "upload in smaller batches");
        }

        String marker = TestClients.uploadEntryMarker(user, client);
        assertThat(topic.recordsOfUserNow(user)).extracting(record -> record.value().batchId()).containsExactly(marker);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void isRefusedWithAClearErrorAndLeavesNothingBehind(BadInput bad) {
        String user = TestClients.uniqueId("bad-input");
        String client = TestClients.uniqueId("client");

        bad.sender().prepare(user, client).post(bad.endpoint().path).then()
                .statusCode(bad.status())
                .contentType(ContentType.JSON)
                .body("error.code", is(bad.code()))
                .body("error.message", containsString(bad.message().replace("USER", user)))
                .body("error.message", not(containsString(THEIR_OWNER)));

        String marker = TestClients.uploadEntryMarker(user, client);
        assertThat(topic.recordsOfUserNow(user)).as("the user's records on the topic")
                .extracting(record -> record.value().batchId())
                .containsExactly(marker);
        assertThat(database.scalar("SELECT count(*) FROM relay_upload.checkpoint_requests WHERE user_id = $1", user))
                .as("checkpoint request ids stored for the user").isZero();
    }
}
