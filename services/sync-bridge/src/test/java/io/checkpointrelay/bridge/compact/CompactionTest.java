package io.checkpointrelay.bridge.compact;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.StorageTables;
import io.checkpointrelay.bridge.replication.ReplicationStatus;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.StreamClient;
import io.checkpointrelay.bridge.testing.SyncedClient;
import io.checkpointrelay.stack.DevTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Compaction of real replicated storage, and what clients syncing before and after it end with. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CompactionTest {

    private static final DevTokens TOKENS = new DevTokens(PostgresResource.JWT_SECRET);
    private static final long MASK = 0xFFFF_FFFFL;

    @TestHTTPResource("/sync/stream")
    URI streamUri;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    CompactionJob job;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void clientsThatSyncedBeforeAndClientsThatSyncAfterEndWithTheSameRows() {
        String user = "cora-" + UUID.randomUUID();
        String todos = "user_todos[\"" + user + "\"]";
        UUID list = UUID.randomUUID();
        UUID t1 = UUID.randomUUID();
        UUID t2 = UUID.randomUUID();
        UUID t3 = UUID.randomUUID();
        UUID t4 = UUID.randomUUID();
        storage.transaction(
                new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Home', ?)", list, user },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 't1 a', ?, ?)", t1, user, list },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 't2 a', ?, ?)", t2, user, list });
        awaitCount(todos, 2);
        SyncedClient early = syncFresh(user, "early");

        // Ops 3..9 of the bucket: 1, 2, 3 and 5 get superseded, 4 removes; 6 to 9 stay live except 7.
        storage.sql("UPDATE todos SET description = 't1 b' WHERE id = ?", t1);
        storage.sql("DELETE FROM todos WHERE id = ?", t2);
        storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 't3 a', ?, ?)", t3, user, list);
        storage.sql("UPDATE todos SET description = 't1 c' WHERE id = ?", t1);
        storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 't4 a', ?, ?)", t4, user, list);
        storage.sql("UPDATE todos SET description = 't3 b' WHERE id = ?", t3);
        storage.sql("UPDATE todos SET description = 't4 b' WHERE id = ?", t4);
        awaitCount(todos, 9);
        SyncedClient late = syncFresh(user, "late");
        List<Storage.Op> before = storage.ops(todos);
        Storage.State stateBefore = storage.state(todos);

        given().header("Authorization", "Token " + adminToken()).post("/admin/compact").then().statusCode(200)
                .body("checkpoint", matchesPattern("[0-9]+"))
                .body("buckets", greaterThanOrEqualTo(1))
                .body("buckets_compacted", greaterThanOrEqualTo(1))
                .body("ops_moved", greaterThanOrEqualTo(5))
                .body("ops_cleared", greaterThanOrEqualTo(5))
                .body("duration_ms", greaterThanOrEqualTo(0));

        List<Storage.Op> after = storage.ops(todos);
        assertThat(after).extracting(Storage.Op::opId, Storage.Op::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple(before.get(4).opId(), "CLEAR"),
                org.assertj.core.groups.Tuple.tuple(before.get(5).opId(), "PUT"),
                org.assertj.core.groups.Tuple.tuple(before.get(6).opId(), "MOVE"),
                org.assertj.core.groups.Tuple.tuple(before.get(7).opId(), "PUT"),
                org.assertj.core.groups.Tuple.tuple(before.get(8).opId(), "PUT"));
        assertThat(after.get(0).checksum()).as("a CLEAR carries the sum of the ops it replaces")
                .isEqualTo(before.subList(0, 5).stream().mapToLong(Storage.Op::checksum).sum() & MASK);
        assertThat(after.get(2).checksum()).as("a MOVE keeps its checksum").isEqualTo(before.get(6).checksum());
        assertThat(after.get(2).data()).isNull();
        assertThat(storage.state(todos)).isEqualTo(new Storage.State(stateBefore.lastOpId(), stateBefore.checksum(), 5));
        assertStoredStateMatchesOps(todos);

        // Resuming from op 2, inside the cleared range: the CLEAR replaces what the client holds.
        List<JsonNode> resumed = resume(user, "early", early);
        List<JsonNode> ops = dataOps(resumed, todos);
        assertThat(ops).extracting(op -> op.get("op").textValue()).containsExactly("CLEAR", "PUT", "MOVE", "PUT", "PUT");
        assertThat(ops.get(0).get("op_id").textValue()).isEqualTo(Long.toString(before.get(4).opId()));
        assertThat(ops.get(0).has("object_type")).isFalse();
        assertThat(ops.get(2).get("data").isNull()).isTrue();
        early.assertChecksumsMatch();

        List<JsonNode> resumedLate = resume(user, "late", late);
        assertThat(dataOps(resumedLate, todos)).as("an up-to-date client downloads nothing").isEmpty();
        late.assertChecksumsMatch();

        SyncedClient fresh = syncFresh(user, "fresh");
        fresh.assertChecksumsMatch();
        Map<String, String> rows = late.objects(todos);
        assertThat(rows).containsOnlyKeys("todos/" + t1, "todos/" + t3, "todos/" + t4);
        assertThat(rows.get("todos/" + t1)).contains("t1 c");
        assertThat(early.objects(todos)).isEqualTo(rows);
        assertThat(fresh.objects(todos)).isEqualTo(rows);

        // Compacting again changes nothing; later changes reach every client as usual.
        compactNow();
        assertThat(storage.ops(todos)).isEqualTo(after);
        storage.sql("DELETE FROM todos WHERE id = ?", t4);
        awaitCount(todos, 6);
        Map.of("early", early, "late", late, "fresh", fresh).forEach((clientId, client) -> {
            resume(user, clientId, client);
            client.assertChecksumsMatch();
            assertThat(client.objects(todos)).containsOnlyKeys("todos/" + t1, "todos/" + t3);
        });
    }

    @Test
    void compactingInSmallBatchesWhileReplicationAppendsKeepsEveryChecksum() throws Exception {
        String user = "dana-" + UUID.randomUUID();
        String todos = "user_todos[\"" + user + "\"]";
        UUID list = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        inserts.add(new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Busy', ?)", list, user });
        for (int i = 0; i < 12; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            inserts.add(new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, ?, ?, ?)", id, "v0", user, list });
        }
        storage.transaction(inserts.toArray(Object[][]::new));
        for (int round = 1; round <= 6; round++) {
            storage.sql("UPDATE todos SET description = ? WHERE created_by = ?", "v" + round, user);
        }
        awaitCount(todos, 12 * 7);
        SyncedClient before = syncFresh(user, "dana-before");

        StorageCompactor smallBatches = new StorageCompactor(dataSource, new StorageTables("relay_sync"), "relay_bridge",
                new StorageCompactor.Limits(5, 1000));
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            for (int round = 7; round <= 12; round++) {
                storage.sql("UPDATE todos SET description = ? WHERE id = ANY (?)", "v" + round,
                        ids.subList(0, 6).toArray(UUID[]::new));
                storage.sql("DELETE FROM todos WHERE id = ?", ids.get(round - 1));
            }
        });
        CompactionResult first = smallBatches.run().orElseThrow();
        writes.get();
        UUID marker = UUID.randomUUID();
        storage.sql("INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'marker', ?, ?)", marker, user, list);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> storage.ops(todos).stream().anyMatch(op -> marker.toString().equals(op.objectId())));
        assertStoredStateMatchesOps(todos);

        job.compact(); // the scheduled job, with the configured limits
        assertStoredStateMatchesOps(todos);
        List<Storage.Op> ops = storage.ops(todos);
        assertThat(ops.get(0).op()).isEqualTo("CLEAR");
        assertThat(ops).filteredOn(op -> op.op().equals("CLEAR")).hasSize(1);
        Set<String> live = ops.stream().filter(op -> op.op().equals("PUT")).map(Storage.Op::objectId).collect(Collectors.toSet());
        assertThat(ops.stream().filter(op -> op.op().equals("PUT")).count()).as("one PUT per live row").isEqualTo(live.size());
        assertThat(first.opsMoved()).isGreaterThan(0);

        Set<String> expected = new HashSet<>();
        for (String id : sourceRows(user)) {
            expected.add("todos/" + id);
        }
        assertThat(live).hasSize(expected.size());
        resume(user, "dana-before", before);
        before.assertChecksumsMatch();
        assertThat(before.objects(todos).keySet()).isEqualTo(expected);
        SyncedClient fresh = syncFresh(user, "dana-after");
        fresh.assertChecksumsMatch();
        assertThat(fresh.objects(todos)).isEqualTo(before.objects(todos));
        assertThat(fresh.objects(todos).get("todos/" + ids.get(0))).contains("\"description\":\"v12\"");
    }

    @Test
    void oneCompactionAtATimeAndOnlyForAdmins() throws Exception {
        given().post("/admin/compact").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().header("Authorization", "Token " + TOKENS.issue("someone", Duration.ofMinutes(5))).post("/admin/compact")
                .then().statusCode(403).body("error.code", is("FORBIDDEN"));

        // Another bridge compacting holds the lock.
        try (Connection other = dataSource.getConnection();
                PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext('relay-compact:relay_sync'))")) {
            lock.execute();
            given().header("Authorization", "Token " + adminToken()).post("/admin/compact").then().statusCode(409)
                    .body("error.message", containsString("already running"));
            try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(hashtext('relay-compact:relay_sync'))")) {
                unlock.execute();
            }
        }
        compactNow();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(line -> line.startsWith("relay_compaction_runs_total{outcome=\"busy\"")))
                .singleElement().satisfies(line -> assertThat(line).endsWith(" 1.0"));
        assertThat(metrics).contains("relay_compaction_runs_total{outcome=\"completed\"", "relay_compaction_ops_total{kind=\"moved\"",
                "relay_compaction_ops_total{kind=\"cleared\"", "relay_compaction_duration_seconds_count");
    }

    /** Sum and number of the stored ops are what bucket_state (and so every checkpoint) says. */
    private void assertStoredStateMatchesOps(String bucket) {
        List<Storage.Op> ops = storage.ops(bucket);
        Storage.State state = storage.state(bucket);
        assertThat(ops.stream().mapToLong(Storage.Op::checksum).sum() & MASK).as("checksum of %s", bucket).isEqualTo(state.checksum());
        assertThat((long) ops.size()).as("op count of %s", bucket).isEqualTo(state.count());
        assertThat(ops.get(ops.size() - 1).opId()).isEqualTo(state.lastOpId());
    }

    private void compactNow() {
        given().header("Authorization", "Token " + adminToken()).post("/admin/compact").then().statusCode(200);
    }

    private static String adminToken() {
        return TOKENS.issue("operator", Duration.ofMinutes(5), Map.of("groups", List.of(CompactionResource.ADMIN_ROLE)));
    }

    private void awaitCount(String bucket, long count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.state(bucket) != null && storage.state(bucket).count() == count);
    }

    private List<String> sourceRows(String user) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id::text FROM todos WHERE created_by = ?")) {
            select.setString(1, user);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
        }
        return ids;
    }

    private SyncedClient syncFresh(String user, String clientId) {
        SyncedClient client = new SyncedClient();
        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(user, Duration.ofMinutes(5)),
                client.reconnectBody(clientId))) {
            client.apply(stream.untilCheckpointComplete());
        }
        client.assertChecksumsMatch();
        return client;
    }

    /** Reconnects with the client's positions and applies everything up to the checkpoint_complete. */
    private List<JsonNode> resume(String user, String clientId, SyncedClient client) {
        try (StreamClient stream = StreamClient.open(streamUri, TOKENS.issue(user, Duration.ofMinutes(5)),
                client.reconnectBody(clientId))) {
            List<JsonNode> lines = stream.untilCheckpointComplete();
            client.apply(lines);
            return lines;
        }
    }

    private static List<JsonNode> dataOps(List<JsonNode> lines, String bucket) {
        List<JsonNode> ops = new ArrayList<>();
        lines.stream().filter(line -> line.has("data") && line.at("/data/bucket").textValue().equals(bucket))
                .forEach(line -> line.at("/data/data").forEach(ops::add));
        return ops;
    }
}
