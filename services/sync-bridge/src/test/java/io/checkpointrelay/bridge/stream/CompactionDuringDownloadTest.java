package io.checkpointrelay.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.compact.Compactions;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A compaction that runs while a stream is half-way through an older checkpoint: the ops still to
 * send may have been moved past that checkpoint, so the stream must not complete it, and the next
 * checkpoint brings the client to validated, complete data.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CompactionDuringDownloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BucketReader reader;

    @Inject
    Compactions compactions;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void opsMovedPastTheCheckpointBeingSentHoldBackItsCompletion() throws Exception {
        String user = "gus-" + UUID.randomUUID();
        String todos = "user_todos[\"" + user + "\"]";
        List<UUID> ids = insertTodos(user, 6);
        SyncSession session = session(user, todos);
        SyncSession.Run run = session.nextRun();
        SyncedClient client = new SyncedClient();
        client.apply(untilData(run, todos)); // the first two of six ops

        // The fifth row changes after the checkpoint being sent; compaction turns its op into a MOVE.
        // (Its page is the third: the second may already have been read ahead.)
        storage.sql("UPDATE todos SET description = 'changed' WHERE id = ?", ids.get(4));
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos).count() == 7);
        compactions.run().orElseThrow();
        assertThat(storage.ops(todos)).extracting(Storage.Op::op).containsExactly("PUT", "PUT", "PUT", "PUT", "MOVE", "PUT", "PUT");

        List<JsonNode> rest = lines(run);
        assertThat(rest).extracting(CompactionDuringDownloadTest::kind).containsExactly("data", "data")
                .as("no checkpoint_complete for a checkpoint the client cannot hold");
        client.apply(rest);

        List<JsonNode> next = lines(session.nextRun());
        assertThat(next).extracting(CompactionDuringDownloadTest::kind).containsExactly("checkpoint_diff", "data", "checkpoint_complete");
        client.apply(next);
        client.assertChecksumsMatch();
        assertThat(client.objects(todos)).hasSize(6);
        assertThat(client.objects(todos).get("todos/" + ids.get(4))).contains("\"description\":\"changed\"");
    }

    @Test
    void aClearBeyondTheCheckpointBeingSentIsSentAndHoldsBackItsCompletion() throws Exception {
        String user = "hal-" + UUID.randomUUID();
        String todos = "user_todos[\"" + user + "\"]";
        insertTodos(user, 6);
        SyncSession session = session(user, todos);
        SyncSession.Run run = session.nextRun();
        SyncedClient client = new SyncedClient();
        client.apply(untilData(run, todos));

        // Every row is deleted after the checkpoint being sent: compaction folds the whole bucket,
        // the ops not yet sent included, into a CLEAR beyond that checkpoint.
        storage.sql("DELETE FROM todos WHERE created_by = ?", user);
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos).count() == 12);
        compactions.run().orElseThrow();
        assertThat(storage.ops(todos)).extracting(Storage.Op::op).containsExactly("CLEAR");

        // The second page may have been read ahead (its PUTs then arrive first); the rest is the CLEAR.
        List<JsonNode> rest = lines(run);
        assertThat(rest).extracting(CompactionDuringDownloadTest::kind).as("no checkpoint_complete").containsOnly("data");
        JsonNode lastOps = rest.get(rest.size() - 1).at("/data/data");
        assertThat(lastOps).last().satisfies(op -> assertThat(op.get("op").textValue()).isEqualTo("CLEAR"));
        client.apply(rest);

        List<JsonNode> next = lines(session.nextRun());
        assertThat(next).extracting(CompactionDuringDownloadTest::kind).containsExactly("checkpoint_diff", "checkpoint_complete");
        client.apply(next);
        client.assertChecksumsMatch();
        assertThat(client.objects(todos)).isEmpty();
    }

    private List<UUID> insertTodos(String user, int count) {
        UUID list = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        inserts.add(new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Long', ?)", list, user });
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            inserts.add(new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)", id,
                    "row " + i, user, list });
        }
        storage.transaction(inserts.toArray(Object[][]::new));
        String todos = "user_todos[\"" + user + "\"]";
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos) != null && storage.state(todos).count() == count);
        return ids;
    }

    /** Two ops per data line, so a bucket of six takes three lines. */
    private SyncSession session(String user, String todos) {
        return new SyncSession(reader, ForkJoinPool.commonPool(), user, user + "-device",
                RequestBuckets.of(List.of(new BucketRef(todos, 3))), Map.of(),
                new SyncSession.Limits(2, 1_000_000), StreamFormat.NDJSON.lines(), delivered -> { });
    }

    /** Lines up to and including the first data line of the bucket. */
    private static List<JsonNode> untilData(SyncSession.Run run, String bucket) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (byte[] line = run.next(); line != null; line = run.next()) {
            JsonNode json = JSON.readTree(new String(line, StandardCharsets.UTF_8));
            lines.add(json);
            if (json.has("data") && json.at("/data/bucket").textValue().equals(bucket)) {
                return lines;
            }
        }
        throw new AssertionError("no data line for " + bucket);
    }

    private static List<JsonNode> lines(SyncSession.Run run) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (byte[] line = run.next(); line != null; line = run.next()) {
            lines.add(JSON.readTree(new String(line, StandardCharsets.UTF_8)));
        }
        return lines;
    }

    private static String kind(JsonNode line) {
        return line.fieldNames().next();
    }
}
