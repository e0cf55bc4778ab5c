package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** An accepted upload is on the topic, once, under its user and client, exactly as the client sent it. */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class UploadEnqueueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST_ID = "0b7e1b8a-54a4-4c55-9a3e-2f7f0d3c1e01";
    private static final String TODO_ID = "5d3f9c0e-8a61-4f0a-b2c4-7e9d1a6b3f22";

    /** Stock SDK CrudEntry.toJSON() output, including the fields the service ignores (old, metadata). */
    private static final String ENTRIES = """
            [
              {"op_id": 1, "op": "PUT", "type": "lists", "id": "%1$s", "tx_id": 10,
               "data": {"name": "groceries", "owner_id": "USER", "created_at": "2026-01-02T03:04:05Z"}},
              {"op_id": 2, "op": "PUT", "type": "todos", "id": "%2$s", "tx_id": 10,
               "data": {"description": "milk", "list_id": "%1$s", "created_by": "USER", "completed": 0}},
              {"op_id": 3, "op": "PATCH", "type": "todos", "id": "%2$s", "tx_id": 11,
               "data": {"completed": 1, "completed_by": "USER"}, "old": {"completed": 0}, "metadata": "from the UI"},
              {"op_id": 4, "op": "DELETE", "type": "todos", "id": "%2$s"}
            ]""".formatted(LIST_ID, TODO_ID);

    private static UploadsTopic topic;

    @BeforeAll
    static void openTopic() {
        topic = new UploadsTopic();
    }

    @AfterAll
    static void closeTopic() {
        topic.close();
    }

    @Test
    void batchWithCheckpointRequestIsQueuedOnceUnderUserAndClient() throws Exception {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");
        String entries = ENTRIES.replace("USER", user);
        Instant before = Instant.now();

        String batchId = TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "9223372036854775807", "batch": %s}
                """.formatted(client, entries))
                .then().statusCode(200)
                .body("data.batch_id", matchesPattern("[0-9a-f-]{36}"))
                .body("data.entries", is(4))
                .body("data.checkpoint_request_id", is("9223372036854775807"))
                .extract().path("data.batch_id");
        String marker = TestClients.uploadMarker(user, client);

        List<ConsumerRecord<String, QueuedBatch>> records = topic.recordsUntil(key(user, client), marker);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).partition()).as("one client's records share a partition").isEqualTo(records.get(1).partition());

        QueuedBatch queued = records.get(0).value();
        assertThat(queued.version()).isEqualTo(QueuedBatch.VERSION);
        assertThat(queued.batchId()).isEqualTo(batchId);
        assertThat(queued.userId()).isEqualTo(user);
        assertThat(queued.clientId()).isEqualTo(client);
        assertThat(queued.checkpointRequestId()).isEqualTo(Long.MAX_VALUE);
        assertThat(queued.entries()).isEqualTo(JSON.readValue(entries, new TypeReference<List<CrudEntry>>() {
        }));
        assertThat(queued.entries().get(2).data().get("completed").asInt()).isEqualTo(1);
        assertThat(queued.receivedAt()).isCloseTo(before, within(30, ChronoUnit.SECONDS));
    }

    @Test
    void batchWithoutCheckpointRequestIsQueuedWithoutOne() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        String batchId = TestClients.upload(user, """
                {"client_id": "%s", "batch": [{"op": "DELETE", "type": "todos", "id": "%s", "op_id": 9}]}
                """.formatted(client, TODO_ID))
                .then().statusCode(200)
                .body("data.entries", is(1))
                .body("data.checkpoint_request_id", nullValue())
                .extract().path("data.batch_id");

        QueuedBatch queued = topic.recordsUntil(key(user, client), batchId).getFirst().value();
        assertThat(queued.checkpointRequestId()).isNull();
        assertThat(queued.entries()).containsExactly(new CrudEntry(CrudOp.DELETE, "todos", TODO_ID, null, 9L, null));
    }

    @Test
    void checkpointRequestAloneMayBeAnInteger() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        String batchId = TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": 42, "batch": []}
                """.formatted(client))
                .then().statusCode(200)
                .body("data.entries", is(0))
                .body("data.checkpoint_request_id", is("42"))
                .extract().path("data.batch_id");

        QueuedBatch queued = topic.recordsUntil(key(user, client), batchId).getFirst().value();
        assertThat(queued.checkpointRequestId()).isEqualTo(42L);
        assertThat(queued.entries()).isEmpty();
    }

    @Test
    void eachClientIsQueuedUnderItsOwnKey() {
        String user = TestClients.uniqueId("user");
        String phone = TestClients.uniqueId("phone");
        String laptop = TestClients.uniqueId("laptop");

        String phoneBatch = TestClients.uploadMarker(user, phone);
        String laptopBatch = TestClients.uploadMarker(user, laptop);

        List<ConsumerRecord<String, QueuedBatch>> phoneRecords = topic.recordsUntil(key(user, phone), phoneBatch);
        List<ConsumerRecord<String, QueuedBatch>> laptopRecords = topic.recordsUntil(key(user, laptop), laptopBatch);
        assertThat(phoneRecords).extracting(r -> r.value().batchId()).containsExactly(phoneBatch);
        assertThat(phoneRecords.getFirst().value().clientId()).isEqualTo(phone);
        assertThat(laptopRecords).extracting(r -> r.value().batchId()).containsExactly(laptopBatch);
        assertThat(laptopRecords.getFirst().value().clientId()).isEqualTo(laptop);
    }

    /** The record key as the write-applier reads it: a JSON array of user and client. */
    private static String key(String user, String client) {
        return "[\"" + user + "\",\"" + client + "\"]";
    }
}
