package io.checkpointrelay.bridge.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import io.agroal.api.AgroalDataSource;
import io.checkpointrelay.bridge.bucket.Checksums;
import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.checkpoint.CheckpointsTable;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.bridge.rules.SyncRulesLoader;
import io.checkpointrelay.bridge.testing.PostgresResource;
import io.checkpointrelay.bridge.testing.Storage;
import io.checkpointrelay.bridge.testing.Storage.Op;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** pgoutput through real logical replication into bucket storage. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ReplicationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ReplicationStatus status;

    @Inject
    SourceConnections connections;

    @Inject
    CheckpointNotifier notifier;

    @Inject
    @Readiness
    ReplicationHealthCheck replicationHealth;

    @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
    int streamPoolSize;

    private Storage storage;

    @BeforeEach
    void replicating() {
        storage = Storage.whenReplicating(dataSource, status);
    }

    @Test
    void insertUpdateAndDeleteBecomeBucketOperationsWithTheirChecksums() {
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        UUID list = UUID.randomUUID();
        UUID todo = UUID.randomUUID();
        String aliceTodos = "user_todos[\"" + alice + "\"]";
        String bobTodos = "user_todos[\"" + bob + "\"]";

        storage.transaction(
                new Object[] { "INSERT INTO lists (id, created_at, name, owner_id) VALUES (?, CAST(? AS timestamptz), ?, ?)",
                        list, "2024-01-02 03:04:05+00", "Groceries", alice },
                new Object[] { "INSERT INTO todos (id, created_at, description, completed, created_by, list_id) "
                        + "VALUES (?, CAST(? AS timestamptz), ?, false, ?, ?)", todo, "2024-01-02 03:04:05.25+00", "Milk \"2%\"\n", alice, list });

        String inserted = "{\"id\":\"" + todo + "\",\"created_at\":\"2024-01-02 03:04:05.25+00\",\"completed_at\":null,"
                + "\"description\":\"Milk \\\"2%\\\"\\n\",\"completed\":0,\"created_by\":\"" + alice + "\",\"completed_by\":null,"
                + "\"list_id\":\"" + list + "\"}";
        await().atMost(WAIT).until(() -> storage.ops(aliceTodos).size() == 1);
        Op put = storage.ops(aliceTodos).get(0);
        assertThat(put).extracting(Op::op, Op::objectType, Op::objectId, Op::data)
                .containsExactly("PUT", "todos", todo.toString(), inserted);
        assertThat(put.checksum()).isEqualTo(Checksums.put("todos", todo.toString(), inserted));
        assertThat(storage.ops("user_lists[\"" + alice + "\"]")).extracting(Op::op, Op::data).containsExactly(tuple("PUT",
                "{\"id\":\"" + list + "\",\"created_at\":\"2024-01-02 03:04:05+00\",\"name\":\"Groceries\",\"owner_id\":\"" + alice + "\"}"));

        storage.sql("UPDATE todos SET created_by = ?, completed = true WHERE id = ?", bob, todo);

        await().atMost(WAIT).until(() -> storage.ops(aliceTodos).size() == 2 && storage.ops(bobTodos).size() == 1);
        Op removed = storage.ops(aliceTodos).get(1);
        assertThat(removed).extracting(Op::op, Op::objectId, Op::data).containsExactly("REMOVE", todo.toString(), null);
        assertThat(removed.checksum()).isEqualTo(Checksums.remove("todos/" + todo));
        Op moved = storage.ops(bobTodos).get(0);
        assertThat(moved.opId()).isGreaterThan(removed.opId());
        assertThat(moved.data()).contains("\"completed\":1", "\"created_by\":\"" + bob + "\"");
        assertThat(moved.checksum()).isEqualTo(Checksums.put("todos", todo.toString(), moved.data()));

        storage.sql("DELETE FROM todos WHERE id = ?", todo);

        await().atMost(WAIT).until(() -> storage.ops(bobTodos).size() == 2);
        assertThat(storage.ops(bobTodos).get(1)).extracting(Op::op, Op::objectId).containsExactly("REMOVE", todo.toString());
        assertThat(storage.ops(aliceTodos)).hasSize(2);

        assertStateMatchesOps(aliceTodos);
        assertStateMatchesOps(bobTodos);
    }

    @Test
    void truncateRemovesEveryRowOfTheTable() {
        String carol = "carol-" + UUID.randomUUID();
        String bucket = "user_todos[\"" + carol + "\"]";
        UUID list = UUID.randomUUID();
        storage.transaction(
                new Object[] { "INSERT INTO lists (id, name, owner_id) VALUES (?, 'Chores', ?)", list, carol },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'a', ?, ?)", UUID.randomUUID(), carol, list },
                new Object[] { "INSERT INTO todos (id, description, created_by, list_id) VALUES (?, 'b', ?, ?)", UUID.randomUUID(), carol, list });
        await().atMost(WAIT).until(() -> storage.ops(bucket).size() == 2);

        storage.sql("TRUNCATE todos");

        await().atMost(WAIT).until(() -> storage.ops(bucket).size() == 4);
        assertThat(storage.ops(bucket)).extracting(Op::op).containsExactly("PUT", "PUT", "REMOVE", "REMOVE");
        assertThat(storage.scalar("SELECT count(*) FROM relay_sync.current_rows WHERE source_table = 'todos'")).isZero();
        assertThat(storage.ops("user_lists[\"" + carol + "\"]")).extracting(Op::op).containsExactly("PUT");
        assertStateMatchesOps(bucket);
    }

    @Test
    void rowsThatExistedBeforeTheBridgeStartedAreInTheirBuckets() {
        String bucket = "user_lists[\"" + PostgresResource.SEED_USER + "\"]";
        assertThat(status.storageReady()).as("the stored snapshot lets streams in").isTrue();

        assertThat(storage.ops(bucket)).extracting(Op::op, Op::objectId)
                .containsExactly(tuple("PUT", PostgresResource.SEED_LIST));
        assertThat(storage.ops("user_todos[\"" + PostgresResource.SEED_USER + "\"]")).extracting(Op::op, Op::objectId)
                .startsWith(tuple("PUT", PostgresResource.SEED_TODO));
        assertThat(storage.scalar("SELECT checkpoint FROM relay_sync.write_checkpoints WHERE user_id = ?",
                PostgresResource.SEED_USER)).isEqualTo(3);
    }

    @Test
    void theSlotIsMarkedForFailoverSoAPromotedStandbyStillHasIt() throws SQLException {
        assertThat(storage.text("SELECT failover::text FROM pg_replication_slots WHERE slot_name = 'relay_bridge'"))
                .as("the slot the bridge created").isEqualTo("true");

        // A slot from before (or created by hand) is marked when the bridge next starts on it.
        String older = "relay_older_" + UUID.randomUUID().toString().replace("-", "");
        storage.sql("SELECT pg_create_logical_replication_slot(?, 'pgoutput')", older);
        try {
            assertThat(storage.text("SELECT failover::text FROM pg_replication_slots WHERE slot_name = '" + older + "'")).isEqualTo("false");
            try (Connection replication = (Connection) connections.openReplication()) {
                ReplicationSetup.markForFailover(replication, older);
            }
            assertThat(storage.text("SELECT failover::text FROM pg_replication_slots WHERE slot_name = '" + older + "'")).isEqualTo("true");
        } finally {
            storage.sql("SELECT pg_drop_replication_slot(?)", older);
        }
    }

    @Test
    void aLostReplicationConnectionResumesWithoutLosingOrRepeatingAnything() {
        String dave = "dave-" + UUID.randomUUID();
        String bucket = "user_lists[\"" + dave + "\"]";
        storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'before', ?)", UUID.randomUUID(), dave);
        await().atMost(WAIT).until(() -> storage.ops(bucket).size() == 1);

        long walSender = storage.scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'relay_bridge'");
        storage.sql("SELECT pg_terminate_backend(?)", (int) walSender);
        storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'while reconnecting', ?)", UUID.randomUUID(), dave);

        await().atMost(WAIT).until(() -> storage.ops(bucket).size() >= 2);
        await().atMost(WAIT).until(() -> status.state() == ReplicationStatus.State.REPLICATING
                && storage.scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'relay_bridge'") != walSender);
        storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'after', ?)", UUID.randomUUID(), dave);

        await().atMost(WAIT).until(() -> storage.ops(bucket).size() >= 3);
        List<Op> ops = storage.ops(bucket);
        assertThat(ops).hasSize(3);
        assertThat(ops).extracting(op -> op.data().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1"))
                .containsExactly("before", "while reconnecting", "after");
        assertStateMatchesOps(bucket);
    }

    /**
     * Several bridges share one slot: the one holding it replicates, the others serve streams
     * from storage (ready) and one of them takes the slot over once it is free.
     */
    @Test
    void whileAnotherBridgeHoldsTheSlotThisOneIsAReadyStandbyAndTakesOverOnceItIsFree() throws Exception {
        String frank = "frank-" + UUID.randomUUID();
        String bucket = "user_lists[\"" + frank + "\"]";
        Connection otherBridge = holdTheSlot();
        try {
            await().atMost(WAIT).until(() -> status.state() == ReplicationStatus.State.STANDBY);
            HealthCheckResponse readiness = replicationHealth.call();
            assertThat(readiness.getStatus()).as("a standby serves streams").isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(readiness.getData()).hasValueSatisfying(data -> assertThat(data).containsEntry("state", "STANDBY"));
            storage.sql("INSERT INTO lists (id, name, owner_id) VALUES (?, 'while the other bridge holds the slot', ?)", UUID.randomUUID(), frank);
        } finally {
            otherBridge.close();
        }
        await().atMost(WAIT).until(() -> status.state() == ReplicationStatus.State.REPLICATING);
        await().atMost(WAIT).until(() -> storage.ops(bucket).size() == 1);
        assertStateMatchesOps(bucket);
    }

    /** A second bridge's replication connection streaming from the slot (the first one's is cut). */
    private Connection holdTheSlot() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long walSender = storage.scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'relay_bridge'");
            if (walSender != 0) {
                storage.sql("SELECT pg_terminate_backend(?)", (int) walSender);
            }
            for (int attempt = 0; attempt < 50; attempt++) {
                PGConnection replication = connections.openReplication();
                try {
                    replication.getReplicationAPI().replicationStream().logical().withSlotName("relay_bridge")
                            .withSlotOption("proto_version", "1").withSlotOption("publication_names", "relay_bridge").start();
                    return ((Connection) replication);
                } catch (SQLException e) {
                    ((Connection) replication).close();
                    if (!"55006".equals(e.getSQLState())) {
                        throw e;
                    }
                    Thread.sleep(10); // the cut walsender has not exited yet, or this bridge took the slot back
                }
            }
        }
        throw new AssertionError("could not take the slot from the bridge within " + WAIT);
    }

    @Test
    void replicationKeepsStoringWhileStreamsHoldEveryPooledConnection() throws SQLException {
        String erin = "erin-" + UUID.randomUUID();
        List<Connection> held = new ArrayList<>();
        try (Connection source = connections.openTextConnection()) {
            for (int i = 0; i < streamPoolSize; i++) {
                held.add(dataSource.getConnection());
            }
            long before = notifier.latest();
            try (PreparedStatement insert = source.prepareStatement("INSERT INTO lists (id, name, owner_id) VALUES (?, 'busy', ?)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, erin);
                insert.executeUpdate();
            }
            await().atMost(WAIT).until(() -> notifier.latest() > before);
            try (PreparedStatement count = source.prepareStatement("SELECT count(*) FROM relay_sync.bucket_data WHERE bucket = ?")) {
                count.setString(1, "user_lists[\"" + erin + "\"]");
                try (ResultSet result = count.executeQuery()) {
                    result.next();
                    assertThat(result.getLong(1)).isEqualTo(1);
                }
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
    }

    @Test
    void aTableTheRulesNameThatDoesNotExistIsReportedWithItsLineAndNothingIsPublished() throws SQLException {
        SyncRules rules = SyncRulesLoader.parse("""
                bucket_definitions:
                  user_todos:
                    parameters: SELECT request.user_id() AS user_id
                    data:
                      - SELECT * FROM todos WHERE created_by = bucket.user_id
                  user_lists:
                    parameters: SELECT id AS list_id FROM listz WHERE owner_id = request.user_id()
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "sync-rules.yaml");
        Map<SourceTable, String> tables = ReplicationSetup.replicatedTables(rules, new CheckpointsTable(SourceTable.parse("checkpointz")));

        try (Connection sql = dataSource.getConnection()) {
            assertThatThrownBy(() -> ReplicationSetup.ensurePublication(sql, "typo_test", tables))
                    .hasMessage("sync-rules.yaml line 7, bucket definition 'user_lists': table 'listz' does not exist; "
                            + "relay.checkpoints.table: table 'checkpointz' does not exist (waiting for them to be created)");
        }
        assertThat(storage.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'typo_test'")).isZero();

        assertThatThrownBy(() -> new SourceTablesCheck().check(null, dataSource, rules, new CheckpointsTable(SourceTable.parse("checkpointz"))))
                .as("start-up stops with the same sentences")
                .hasMessage("The sync rules read tables that do not exist: sync-rules.yaml line 7, bucket definition 'user_lists': "
                        + "table 'listz' does not exist; relay.checkpoints.table: table 'checkpointz' does not exist");
    }

    private void assertStateMatchesOps(String bucket) {
        List<Op> ops = storage.ops(bucket);
        long sum = 0;
        for (Op op : ops) {
            sum = Checksums.add(sum, op.checksum());
        }
        Storage.State state = storage.state(bucket);
        assertThat(state.checksum()).isEqualTo(sum);
        assertThat(state.count()).isEqualTo(ops.size());
        assertThat(state.lastOpId()).isEqualTo(ops.get(ops.size() - 1).opId());
    }
}
