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
import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;

/** Line order, priorities and paging of one client's session, on real replicated storage. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SyncSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BucketReader reader;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    CheckpointNotifier notifier;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void higherPriorityBucketsComeFirstAndLongBucketsArePaged() throws Exception {
        String user = "ivy-" + UUID.randomUUID();
        String lists = "user_lists[\"" + user + "\"]";
        String todos = "user_todos[\"" + user + "\"]";
        UUID list = UUID.randomUUID();
        List<Object[]> inserts = new ArrayList<>();
        inserts.add(new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Plan', ?)", list, user });
        for (int i = 0; i < 5; i++) {
            inserts.add(new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)",
                    UUID.randomUUID(), "step " + i, user, list });
        }
        storage.transaction(inserts.toArray(Object[][]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos) != null && storage.state(todos).count() == 5);

        SyncSession session = new SyncSession(reader, ForkJoinPool.commonPool(), user, "ivy-device",
                RequestBuckets.of(List.of(new BucketRef(todos, 3), new BucketRef(lists, 0))), Map.of(),
                new SyncSession.Limits(2, 1_000_000), StreamFormat.NDJSON.lines(), delivered -> { });
        List<JsonNode> lines = lines(session.nextRun());

        assertThat(lines).extracting(SyncSessionTest::kind).containsExactly("checkpoint", "data:" + lists,
                "partial_checkpoint_complete", "data:" + todos, "data:" + todos, "data:" + todos, "checkpoint_complete");
        assertThat(lines.get(2).at("/partial_checkpoint_complete/priority").intValue()).isZero();
        assertThat(lines.subList(3, 6)).extracting(line -> line.at("/data/data").size(), line -> line.at("/data/has_more").booleanValue())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, true), org.assertj.core.groups.Tuple.tuple(2, true),
                        org.assertj.core.groups.Tuple.tuple(1, false));
        SyncedClient client = new SyncedClient();
        client.apply(lines);
        client.assertChecksumsMatch();
        assertThat(client.objects(todos)).hasSize(5);

        assertThat(lines(session.nextRun())).as("nothing changed: no lines").isEmpty();

        storage.sql("UPDATE todos SET completed = true WHERE description = 'step 3' AND created_by = ?", user);
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos).count() == 6);
        List<JsonNode> diff = lines(session.nextRun());
        assertThat(diff).extracting(SyncSessionTest::kind).containsExactly("checkpoint_diff", "partial_checkpoint_complete",
                "data:" + todos, "checkpoint_complete");
        assertThat(diff.get(0).at("/checkpoint_diff/updated_buckets")).singleElement()
                .satisfies(bucket -> assertThat(bucket.get("bucket").textValue()).isEqualTo(todos));
        client.apply(diff);
        client.assertChecksumsMatch();
    }

    @Test
    void aNewerCheckpointInterruptsALongDownloadWhichThenContinuesTowardsIt() throws Exception {
        String user = "jay-" + UUID.randomUUID();
        String lists = "user_lists[\"" + user + "\"]";
        String todos = "user_todos[\"" + user + "\"]";
        UUID list = UUID.randomUUID();
        List<Object[]> inserts = new ArrayList<>();
        inserts.add(new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Move', ?)", list, user });
        for (int i = 0; i < 10; i++) {
            inserts.add(new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)",
                    UUID.randomUUID(), "box " + i, user, list });
        }
        storage.transaction(inserts.toArray(Object[][]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos) != null && storage.state(todos).count() == 10);

        SyncSession session = new SyncSession(reader, ForkJoinPool.commonPool(), user, "jay-device",
                RequestBuckets.of(List.of(new BucketRef(lists, 3), new BucketRef(todos, 3))), Map.of(),
                new SyncSession.Limits(3, 1_000_000), StreamFormat.NDJSON.lines(), delivered -> { });
        // Announcements reach the session as they reach a stream's.
        Cancellable announcements = notifier.checkpoints(session::concernedBy).subscribe().with(checkpoint -> {
        });
        try {
            interruptedDownload(session, user, list, lists, todos);
        } finally {
            announcements.cancel();
        }
    }

    private void interruptedDownload(SyncSession session, String user, UUID list, String lists, String todos) throws Exception {
        SyncSession.Run run = session.nextRun();
        List<JsonNode> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            received.add(parse(run.next()));
        }
        assertThat(received).extracting(SyncSessionTest::kind).containsExactly("checkpoint", "data:" + lists, "data:" + todos);
        String older = received.get(0).at("/checkpoint/last_op_id").textValue();
        String position = received.get(2).at("/data/next_after").textValue();
        assertThat(received.get(2).at("/data/has_more").booleanValue()).as("the download has more pages").isTrue();

        // A row changes while the client is downloading.
        UUID late = UUID.randomUUID();
        storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'late box', ?, ?)", late, user, list);
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(todos).count() == 11
                && notifier.latest() >= storage.state(todos).lastOpId());

        List<JsonNode> rest = lines(run);
        assertThat(rest).extracting(SyncSessionTest::kind).as("the diff at once, then the rest up to the newer checkpoint")
                .containsExactly("checkpoint_diff", "data:" + todos, "data:" + todos, "data:" + todos, "checkpoint_complete");
        String newer = rest.get(0).at("/checkpoint_diff/last_op_id").textValue();
        assertThat(Long.parseLong(newer)).isGreaterThan(Long.parseLong(older));
        assertThat(rest.get(0).at("/checkpoint_diff/updated_buckets")).singleElement()
                .satisfies(bucket -> assertThat(bucket.get("bucket").textValue()).isEqualTo(todos));
        assertThat(rest.get(1).at("/data/after").textValue()).as("continues where the client is").isEqualTo(position);
        assertThat(rest.get(4).at("/checkpoint_complete/last_op_id").textValue()).isEqualTo(newer);

        received.addAll(rest);
        SyncedClient client = new SyncedClient();
        client.apply(received);
        client.assertChecksumsMatch();
        assertThat(client.objects(todos)).hasSize(11).containsKey("todos/" + late);
        assertThat(lines(session.nextRun())).as("the newer checkpoint is complete").isEmpty();
    }

    private static JsonNode parse(byte[] line) throws Exception {
        return JSON.readTree(new String(line, StandardCharsets.UTF_8));
    }

    private static List<JsonNode> lines(SyncSession.Run run) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (byte[] line = run.next(); line != null; line = run.next()) {
            lines.add(JSON.readTree(new String(line, StandardCharsets.UTF_8)));
        }
        return lines;
    }

    private static String kind(JsonNode line) {
        String name = line.fieldNames().next();
        return name.equals("data") ? "data:" + line.at("/data/bucket").textValue() : name;
    }
}
