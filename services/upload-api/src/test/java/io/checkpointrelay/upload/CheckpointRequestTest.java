package io.checkpointrelay.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * {@code POST /api/checkpoint-request}, what a stock SDK connector's {@code postCheckpointRequest}
 * calls: the answer is always the greatest id accepted for (user, client), and every id that is
 * not stale is queued behind the client's uploads. Each test checks the topic up to a marker
 * upload without a request id, so "queued nothing" is observed, not assumed. (Refused requests
 * are in {@link BadInputTest}.)
 */
@QuarkusTest
@WithTestResource(UploadsStackResource.class)
class CheckpointRequestTest {

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
    void greaterIdsReplaceAndAreQueuedInOrder() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        assertThat(TestClients.requestCheckpoint(user, client, "1")).isEqualTo("1");
        assertThat(TestClients.requestCheckpoint(user, client, "2")).isEqualTo("2");
        assertThat(TestClients.requestCheckpoint(user, client, "9223372036854775807")).isEqualTo("9223372036854775807");

        assertThat(queuedRequestIds(user, client)).containsExactly(1L, 2L, Long.MAX_VALUE);
    }

    @Test
    void staleIdAnswersTheStoredOneAndQueuesNothing() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");
        TestClients.requestCheckpoint(user, client, "7");

        assertThat(TestClients.requestCheckpoint(user, client, "6")).isEqualTo("7");

        assertThat(queuedRequestIds(user, client)).containsExactly(7L);
    }

    @Test
    void clearedClientGetsTheStoredIdAndThenCountsOnFromIt() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");
        TestClients.requestCheckpoint(user, client, "7");

        // A cleared client database starts its counter again at "1": the answer reseeds it to 7,
        // so the client's next request is 8, which is a new one.
        assertThat(TestClients.requestCheckpoint(user, client, "1")).isEqualTo("7");
        assertThat(TestClients.requestCheckpoint(user, client, "8")).isEqualTo("8");

        assertThat(queuedRequestIds(user, client)).containsExactly(7L, 8L);
    }

    @Test
    void equalIdIsQueuedAgain() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        assertThat(TestClients.requestCheckpoint(user, client, "5")).isEqualTo("5");
        assertThat(TestClients.requestCheckpoint(user, client, "5")).isEqualTo("5");

        List<ConsumerRecord<String, QueuedBatch>> records = recordsUntilMarker(user, client);
        assertThat(records).hasSize(3);
        assertThat(records.subList(0, 2)).allSatisfy(record -> {
            assertThat(record.value().checkpointRequestId()).isEqualTo(5L);
            assertThat(record.value().entries()).isEmpty();
            assertThat(record.value().userId()).isEqualTo(user);
            assertThat(record.value().clientId()).isEqualTo(client);
        });
        assertThat(records.get(0).value().batchId()).isNotEqualTo(records.get(1).value().batchId());
    }

    @Test
    void integerIdIsAcceptedAndAnsweredAsString() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");

        TestClients.checkpointRequest(user, """
                {"client_id": "%s", "checkpoint_request_id": 42}""".formatted(client))
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("data.checkpoint_request_id", is("42"));

        assertThat(queuedRequestIds(user, client)).containsExactly(42L);
    }

    @Test
    void concurrentPostsKeepTheGreatest() throws Exception {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> answers = IntStream.rangeClosed(1, 40)
                    .mapToObj(id -> CompletableFuture.supplyAsync(
                            () -> TestClients.requestCheckpoint(user, client, Integer.toString(id)), pool))
                    .toList();
            for (CompletableFuture<String> answer : answers) {
                // Each answer is at least the id posted: never an id lower than one already accepted.
                assertThat(Long.parseLong(answer.get())).isBetween(1L, 40L);
            }
        } finally {
            pool.shutdown();
        }

        assertThat(TestClients.requestCheckpoint(user, client, "1")).isEqualTo("40");
        assertThat(queuedRequestIds(user, client)).contains(40L).doesNotHaveDuplicates();
    }

    @Test
    void userSwitchOnOneClientStartsFromTheNewUsersOwnCounter() {
        // The client id survives disconnectAndClear(), so a user switch on one device keeps it.
        String client = TestClients.uniqueId("client");
        String alice = TestClients.uniqueId("alice");
        String bob = TestClients.uniqueId("bob");
        for (int id = 1; id <= 9; id++) {
            TestClients.requestCheckpoint(alice, client, Integer.toString(id));
        }

        assertThat(TestClients.requestCheckpoint(bob, client, "1")).isEqualTo("1");
        assertThat(TestClients.requestCheckpoint(bob, client, "2")).isEqualTo("2");
        assertThat(TestClients.requestCheckpoint(alice, client, "1")).as("alice's counter is untouched").isEqualTo("9");

        assertThat(queuedRequestIds(bob, client)).containsExactly(1L, 2L);
        assertThat(queuedRequestIds(alice, client)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void uploadAnswersAndQueuesTheEffectiveId() {
        String user = TestClients.uniqueId("user");
        String client = TestClients.uniqueId("client");
        TestClients.requestCheckpoint(user, client, "12");

        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": "3",
                 "batch": [{"op": "DELETE", "type": "todos", "id": "0b7e1b8a-54a4-4c55-9a3e-2f7f0d3c1e01"}]}""".formatted(client))
                .then().statusCode(200)
                .body("data.checkpoint_request_id", is("12"));
        TestClients.upload(user, """
                {"client_id": "%s", "checkpoint_request_id": 13, "batch": []}""".formatted(client))
                .then().statusCode(200)
                .body("data.checkpoint_request_id", is("13"));

        assertThat(queuedRequestIds(user, client)).containsExactly(12L, 12L, 13L);
        assertThat(TestClients.requestCheckpoint(user, client, "1")).isEqualTo("13");
    }

    /** The records queued for (user, client) before a marker upload posted now, marker excluded. */
    private static List<ConsumerRecord<String, QueuedBatch>> recordsUntilMarker(String user, String client) {
        String marker = TestClients.uploadEntryMarker(user, client);
        return topic.recordsUntil(new ClientKey(user, client).toKafkaKey(), marker);
    }

    private static List<Long> queuedRequestIds(String user, String client) {
        List<ConsumerRecord<String, QueuedBatch>> records = recordsUntilMarker(user, client);
        return records.subList(0, records.size() - 1).stream()
                .map(record -> record.value().checkpointRequestId())
                .toList();
    }
}
