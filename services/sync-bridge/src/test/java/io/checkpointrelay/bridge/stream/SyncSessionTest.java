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
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

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
                List.of(new BucketRef(todos, 3), new BucketRef(lists, 0)), Map.of(), new SyncSession.Limits(2, 1_000_000),
                StreamFormat.NDJSON.lines());
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
