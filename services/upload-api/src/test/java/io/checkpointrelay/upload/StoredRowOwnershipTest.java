package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Rows that already exist in a table with an owner_column can only be written by their owner:
 * a batch touching one row of another user is refused whole with a 403 that names the entry but
 * not the owner, and leaves nothing queued or recorded. New rows and the writer's own rows pass.
 * (The basic refusals per operation are in {@link BadInputTest}.)
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class StoredRowOwnershipTest {

    private static UploadsTopic topic;

    @Inject
    Pool pool;

    private AppDatabase database;
    private String alice;
    private String mallory;
    private String aliceList;
    private String malloryList;
    private String malloryTodo;

    @BeforeAll
    static void openTopic() {
        topic = new UploadsTopic();
    }

    @AfterAll
    static void closeTopic() {
        topic.close();
    }

    @BeforeEach
    void storedRows() {
        database = new AppDatabase(pool);
        alice = TestClients.uniqueId("alice");
        mallory = TestClients.uniqueId("mallory");
        aliceList = UUID.randomUUID().toString();
        malloryList = UUID.randomUUID().toString();
        malloryTodo = UUID.randomUUID().toString();
        database.storeList(aliceList, alice);
        database.storeList(malloryList, mallory);
        database.storeTodo(malloryTodo, malloryList, mallory);
    }

    @Test
    void ownRowsAndNewRowsMayBeWritten() {
        String client = TestClients.uniqueId("client");
        String newTodo = UUID.randomUUID().toString();

        String batchId = TestClients.upload(alice, """
                {"client_id": "%s", "batch": [
                  {"op": "PATCH", "type": "lists", "id": "%s", "data": {"name": "mine"}},
                  {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "new", "list_id": "%s", "created_by": "%s"}},
                  {"op": "PATCH", "type": "todos", "id": "%s", "data": {"completed": 1}},
                  {"op": "DELETE", "type": "lists", "id": "%s"}
                ]}""".formatted(client, aliceList.toUpperCase(Locale.ROOT), newTodo, aliceList, alice, newTodo, UUID.randomUUID()))
                .then().statusCode(200)
                .body("data.entries", is(4))
                .extract().path("data.batch_id");

        assertThat(topic.recordsUntil(new ClientKey(alice, client).toKafkaKey(), batchId))
                .extracting(record -> record.value().batchId())
                .containsExactly(batchId);
    }

    @Test
    void oneRowOfAnotherUserRefusesTheWholeBatchNamingOnlyThatEntry() {
        String client = TestClients.uniqueId("client");
        // Upper case: PostgreSQL prints uuids in lower case, the check must still match them.
        String theirTodo = malloryTodo.toUpperCase(Locale.ROOT);

        TestClients.upload(alice, """
                {"client_id": "%s", "checkpoint_request_id": "5", "batch": [
                  {"op": "PATCH", "type": "lists", "id": "%s", "data": {"name": "mine"}},
                  {"op": "PATCH", "type": "todos", "id": "%s", "data": {"completed": 1}},
                  {"op": "PUT", "type": "todos", "id": "%s", "data": {"description": "new", "list_id": "%s", "created_by": "%s"}},
                  {"op": "DELETE", "type": "lists", "id": "%s"}
                ]}""".formatted(client, aliceList, theirTodo, UUID.randomUUID(), aliceList, alice, malloryList))
                .then().statusCode(403)
                .contentType(ContentType.JSON)
                .body("error.code", is("ROW_OWNED_BY_ANOTHER_USER"))
                .body("error.message", is("batch[1]: row '" + theirTodo + "' of table 'todos' belongs to another user, you may not PATCH it; "
                        + "batch[3]: row '" + malloryList + "' of table 'lists' belongs to another user, you may not DELETE it"))
                .body("error.message", allOf(not(containsString(mallory)), not(containsString(aliceList))));

        String marker = TestClients.uploadEntryMarker(alice, client);
        assertThat(topic.recordsUntil(new ClientKey(alice, client).toKafkaKey(), marker))
                .extracting(record -> record.value().batchId())
                .containsExactly(marker);
        assertThat(TestClients.requestCheckpoint(alice, client, "1")).as("the refused checkpoint id was not recorded").isEqualTo("1");
        assertThat(database.scalar("SELECT count(*) FROM todos WHERE id = $1::uuid AND created_by = $2", malloryTodo, mallory))
                .isEqualTo(1);
    }
}
