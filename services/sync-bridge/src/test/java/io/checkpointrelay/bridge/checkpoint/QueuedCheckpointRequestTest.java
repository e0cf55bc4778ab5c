package io.checkpointrelay.bridge.checkpoint;

import static io.checkpointrelay.bridge.testing.CheckpointApi.request;
import static io.checkpointrelay.bridge.testing.CheckpointApi.writeCheckpoint;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.CheckpointApi;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.bridge.testing.UploadQueueFulfilment;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.checkpointrelay.protocol.upload.QueuedBatchSerde;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Managed requests when clients' writes go through upload-api and Kafka: the request is queued
 * behind the client's uploads and only the checkpoints row the write-applier writes fulfils it;
 * the source position alone must not (the client's queued writes may not be applied yet).
 */
@QuarkusTest
@TestProfile(UploadQueueFulfilment.class)
class QueuedCheckpointRequestTest {

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    private Storage storage;
    private KafkaConsumer<String, QueuedBatch> queue;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
        queue = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, UploadQueueFulfilment.bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new QueuedBatchSerde.BatchDeserializer());
        queue.subscribe(List.of(UploadQueueFulfilment.TOPIC));
    }

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    @Test
    void aLegacyWriteCheckpointIsQueuedAndFulfilledOnlyByTheCheckpointsRow() {
        String user = "queued-" + UUID.randomUUID();
        try (StreamClient stream = open(user, "device")) {
            stream.untilCheckpointComplete();

            assertThat(writeCheckpoint(user, "device")).isEqualTo("1");
            ConsumerRecord<String, QueuedBatch> queued = queuedFor(user).get(0);
            assertThat(queued.key()).isEqualTo("[\"" + user + "\",\"device\"]");
            assertThat(queued.value().entries()).isEmpty();
            assertThat(queued.value().checkpointRequestId()).isEqualTo(1L);

            // Replication moves on (heartbeats, other writes) but the request is not fulfilled by that.
            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES ('someone-else', 'x', 1)");
            stream.expectSilence(Duration.ofSeconds(3));

            // What the write-applier does once the client's earlier batches are applied.
            storage.sql("INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES (?, 'device', 1)", user);
            List<JsonNode> lines = stream.untilCheckpointComplete();
            assertThat(lines.get(0).at("/checkpoint_diff/write_checkpoint").textValue()).isEqualTo("1");
        }
    }

    @Test
    void postedRequestsAreQueuedAgainWhenEqualButNotWhenStale() {
        String user = "queued-posts-" + UUID.randomUUID();
        assertThat(request(user, "device", "\"5\"")).isEqualTo("5");
        assertThat(request(user, "device", "5")).as("a re-post may be the one that reaches the writer").isEqualTo("5");
        assertThat(request(user, "device", "3")).as("stale: the stored id comes back").isEqualTo("5");

        List<ConsumerRecord<String, QueuedBatch>> queued = queuedFor(user);
        assertThat(queued).extracting(record -> record.value().checkpointRequestId()).containsExactly(5L, 5L);
        assertThat(storage.text("SELECT coalesce(lsn::text, 'none') FROM relay_sync.checkpoint_requests WHERE user_id = '" + user + "'"))
                .as("no source position: only the checkpoints row fulfils it").isEqualTo("none");
    }

    /** The records queued for {@code user}, waiting until some arrived and no more follow for a moment. */
    private List<ConsumerRecord<String, QueuedBatch>> queuedFor(String user) {
        List<ConsumerRecord<String, QueuedBatch>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int quietPolls = 0;
        while (System.nanoTime() < deadline && (records.isEmpty() || quietPolls < 2)) {
            int before = records.size();
            queue.poll(Duration.ofMillis(500)).forEach(record -> {
                if (user.equals(record.value().userId())) {
                    records.add(record);
                }
            });
            quietPolls = records.size() == before ? quietPolls + 1 : 0;
        }
        return records;
    }

    private StreamClient open(String user, String clientId) {
        return StreamClient.open(streamUri, CheckpointApi.token(user),
                "{\"client_id\":\"" + clientId + "\",\"raw_data\":true,\"include_checksum\":true,\"buckets\":[]}");
    }
}
