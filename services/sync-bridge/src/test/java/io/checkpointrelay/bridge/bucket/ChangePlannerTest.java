package io.checkpointrelay.bridge.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.bridge.bucket.PlannedWrites.RowId;
import io.checkpointrelay.bridge.checkpoint.WriteCheckpoint;
import io.checkpointrelay.bridge.rules.ParameterEntry;
import io.checkpointrelay.bridge.rules.ParameterLookup;
import io.checkpointrelay.bridge.rules.Row;
import io.checkpointrelay.bridge.rules.RowShape;
import io.checkpointrelay.bridge.rules.SourceTable;
import io.checkpointrelay.bridge.rules.SyncRules;
import io.checkpointrelay.bridge.rules.SyncRulesLoader;

/** Planning against stored rows kept in memory between steps, as storage would keep them. */
class ChangePlannerTest {

    private static final SourceTable TODOS = SourceTable.parse("todos");
    private static final SourceTable LISTS = SourceTable.parse("lists");
    private static final RowShape SHAPE = new RowShape(List.of("id", "description", "created_by"));
    private static final RowShape LIST = new RowShape(List.of("id", "name", "owner_id"));
    private static final RowShape LIST_TODO = new RowShape(List.of("id", "description", "list_id"));
    private static final String LIST_QUERY = "[\"user_lists\",0]";
    private SyncRules rules = SyncRulesLoader.load(Path.of("../../deploy/demo/sync-rules.yaml"));
    private final Map<RowId, StoredRow> stored = new HashMap<>();
    private final Map<RowId, List<ParameterEntry>> storedParameters = new HashMap<>();
    private long lastOpId;

    @Test
    void movingARowToAnotherBucketRemovesItFromTheOldOne() {
        PlannedWrites insert = step(tx(upsert("t1", "Milk", "alice")));
        assertThat(insert.ops()).extracting(BucketOp::bucket, BucketOp::opId, BucketOp::op)
                .containsExactly(tuple("user_todos[\"alice\"]", 1L, OpType.PUT));
        assertThat(insert.ops().get(0).checksum())
                .isEqualTo(Checksums.put("todos", "t1", "{\"id\":\"t1\",\"description\":\"Milk\",\"created_by\":\"alice\"}"));

        PlannedWrites move = step(tx(upsert("t1", "Milk", "bob")));
        assertThat(move.ops()).extracting(BucketOp::bucket, BucketOp::opId, BucketOp::op).containsExactly(
                tuple("user_todos[\"alice\"]", 2L, OpType.REMOVE), tuple("user_todos[\"bob\"]", 3L, OpType.PUT));
        assertThat(move.ops().get(0).checksum()).isEqualTo(Checksums.remove("todos/t1"));
        assertThat(move.ops().get(0).data()).isNull();

        PlannedWrites delete = step(tx(new RowChange.Delete(TODOS, "t1")));
        assertThat(delete.ops()).extracting(BucketOp::bucket, BucketOp::op)
                .containsExactly(tuple("user_todos[\"bob\"]", OpType.REMOVE));
        assertThat(stored).isEmpty();
    }

    @Test
    void unchangedToastValuesComeFromTheStoredRow() {
        step(tx(upsert("t1", "a long description", "alice")));

        PlannedWrites update = step(tx(new RowChange.Upsert(TODOS, "t1", null,
                new Row(SHAPE, new Object[] { "t1", Row.UNCHANGED, "alice" }))));

        assertThat(update.ops()).singleElement().extracting(BucketOp::data)
                .isEqualTo("{\"id\":\"t1\",\"description\":\"a long description\",\"created_by\":\"alice\"}");
    }

    @Test
    void truncateRemovesEveryRowIncludingOnesChangedEarlierInTheStep() {
        step(tx(upsert("t1", "x", "alice"), upsert("t2", "y", "bob")));

        PlannedWrites truncate = step(tx(upsert("t3", "z", "carol")), tx(new RowChange.Truncate(TODOS)),
                tx(upsert("t4", "w", "alice")));

        assertThat(truncate.ops()).extracting(BucketOp::objectId, BucketOp::op).containsExactlyInAnyOrder(
                tuple("t3", OpType.PUT), tuple("t1", OpType.REMOVE), tuple("t2", OpType.REMOVE), tuple("t3", OpType.REMOVE),
                tuple("t4", OpType.PUT));
        assertThat(truncate.truncatedTables()).containsExactly(TODOS);
        assertThat(stored.keySet()).extracting(RowId::key).containsExactly("t4");
    }

    @Test
    void keyChangeMovesTheStoredRow() {
        step(tx(upsert("t1", "x", "alice")));

        PlannedWrites rekey = step(tx(new RowChange.Upsert(TODOS, "t9", "t1", row("t9", "x", "alice"))));

        assertThat(rekey.ops()).extracting(BucketOp::objectId, BucketOp::op, BucketOp::subkey)
                .containsExactly(tuple("t1", OpType.REMOVE, "todos/t1"), tuple("t9", OpType.PUT, "todos/t9"));
        assertThat(stored.keySet()).extracting(RowId::key).containsExactly("t9");
    }

    @Test
    void everyTransactionGetsACheckpointOfItsOwnAndWriteCheckpointsTheirOpId() {
        PlannedWrites writes = step(
                tx(upsert("t1", "x", "alice")),
                new ChangeSet(List.of(), List.of(new WriteCheckpoint("alice", "c1", 5))),
                new ChangeSet(List.of(upsert("t2", "y", null)), List.of()),
                new ChangeSet(List.of(), List.of()));

        assertThat(writes.lastOpId()).as("1 op, then 2 transactions without ops, then an empty one").isEqualTo(3);
        assertThat(writes.writeCheckpoints()).containsExactly(
                new PlannedWrites.StoredWriteCheckpoint("alice", "c1", 5, 2));
        assertThat(writes.bucketIncrements()).containsExactly(
                new BucketState("user_todos[\"alice\"]", 1, Checksums.put("todos", "t1",
                        "{\"id\":\"t1\",\"description\":\"x\",\"created_by\":\"alice\"}"), 1));
    }

    @Test
    void aTodoMovedToAnotherListLeavesTheOldListsBucketAndADeletedOneLeavesEveryBucket() {
        rules = SyncRulesLoader.load(Path.of("src/test/resources/list-rules.yaml"));
        step(tx(list("l1", "Home", "alice"), list("l2", "Work", "alice"), todo("t1", "Milk", "l1")));

        PlannedWrites move = step(tx(todo("t1", "Milk", "l2")));

        assertThat(move.ops()).extracting(BucketOp::bucket, BucketOp::op, BucketOp::objectId).containsExactly(
                tuple("user_lists[\"l1\"]", OpType.REMOVE, "t1"), tuple("user_lists[\"l2\"]", OpType.PUT, "t1"));
        assertThat(move.parameters().changed()).as("todos feed no parameter query").isFalse();

        PlannedWrites delete = step(tx(new RowChange.Delete(TODOS, "t1")));
        assertThat(delete.ops()).extracting(BucketOp::bucket, BucketOp::op)
                .containsExactly(tuple("user_lists[\"l2\"]", OpType.REMOVE));
    }

    @Test
    void aListGivenToAnotherUserMovesItsParameterIndexEntryAndARenameLeavesItAlone() {
        rules = SyncRulesLoader.load(Path.of("src/test/resources/list-rules.yaml"));
        PlannedWrites created = step(tx(list("l1", "Home", "alice")));
        assertThat(created.parameters().changed()).isTrue();
        assertThat(storedParameters).containsExactly(Map.entry(new RowId(LISTS, "l1"),
                List.of(new ParameterEntry(new ParameterLookup(LIST_QUERY, "[\"alice\"]"), "[\"l1\"]"))));

        PlannedWrites renamed = step(tx(list("l1", "Family", "alice")));
        assertThat(renamed.parameters().changed()).as("same owner, same id: streams need not look up again").isFalse();
        assertThat(renamed.parameters().rows()).isEmpty();
        assertThat(renamed.ops()).extracting(BucketOp::bucket, BucketOp::op).containsExactly(tuple("user_lists[\"l1\"]", OpType.PUT));

        PlannedWrites given = step(tx(list("l1", "Family", "bob")));
        assertThat(given.parameters().changed()).isTrue();
        assertThat(storedParameters.get(new RowId(LISTS, "l1"))).extracting(entry -> entry.lookup().values())
                .containsExactly("[\"bob\"]");
        assertThat(given.ops()).as("the bucket stays; only who looks it up changes")
                .extracting(BucketOp::bucket, BucketOp::op).containsExactly(tuple("user_lists[\"l1\"]", OpType.PUT));

        PlannedWrites deleted = step(tx(new RowChange.Delete(LISTS, "l1")));
        assertThat(deleted.parameters().changed()).isTrue();
        assertThat(storedParameters).isEmpty();
        assertThat(deleted.ops()).extracting(BucketOp::bucket, BucketOp::op).containsExactly(tuple("user_lists[\"l1\"]", OpType.REMOVE));
    }

    @Test
    void truncatingAParameterTableDropsItsEntriesIncludingOnesWrittenEarlierInTheStep() {
        rules = SyncRulesLoader.load(Path.of("src/test/resources/list-rules.yaml"));
        step(tx(list("l1", "Home", "alice")));

        PlannedWrites truncate = step(tx(list("l2", "Work", "bob")), tx(new RowChange.Truncate(LISTS)), tx(list("l3", "New", "carol")));

        assertThat(truncate.parameters().changed()).isTrue();
        assertThat(truncate.parameters().truncatedTables()).containsExactly(LISTS);
        assertThat(storedParameters.keySet()).extracting(RowId::key).containsExactly("l3");
    }

    private static RowChange.Upsert list(String id, String name, String owner) {
        return new RowChange.Upsert(LISTS, id, null, new Row(LIST, new Object[] { id, name, owner }));
    }

    private static RowChange.Upsert todo(String id, String description, String list) {
        return new RowChange.Upsert(TODOS, id, null, new Row(LIST_TODO, new Object[] { id, description, list }));
    }

    private static ChangeSet tx(RowChange... changes) {
        return new ChangeSet(List.of(changes), List.of());
    }

    private static RowChange.Upsert upsert(String id, String description, String owner) {
        return new RowChange.Upsert(TODOS, id, null, row(id, description, owner));
    }

    private static Row row(String id, String description, String owner) {
        return new Row(SHAPE, new Object[] { id, description, owner });
    }

    private PlannedWrites step(ChangeSet... changeSets) {
        ChangePlanner.StoredRows view = new ChangePlanner.StoredRows() {
            @Override
            public Map<String, StoredRow> load(SourceTable table, Collection<String> keys) {
                Map<String, StoredRow> rows = new HashMap<>();
                stored.forEach((id, row) -> {
                    if (id.table().equals(table) && keys.contains(id.key())) {
                        rows.put(id.key(), row);
                    }
                });
                return rows;
            }

            @Override
            public Map<String, List<ParameterEntry>> loadParameters(SourceTable table, Collection<String> keys) {
                Map<String, List<ParameterEntry>> entries = new HashMap<>();
                storedParameters.forEach((id, rowEntries) -> {
                    if (id.table().equals(table) && keys.contains(id.key())) {
                        entries.put(id.key(), rowEntries);
                    }
                });
                return entries;
            }

            @Override
            public Map<String, StoredRow> loadAll(SourceTable table) {
                Map<String, StoredRow> rows = new HashMap<>();
                stored.forEach((id, row) -> {
                    if (id.table().equals(table)) {
                        rows.put(id.key(), row);
                    }
                });
                return rows;
            }
        };
        PlannedWrites writes = new ChangePlanner(rules, view, lastOpId, false).plan(List.of(changeSets));
        writes.truncatedTables().forEach(table -> stored.keySet().removeIf(id -> id.table().equals(table)));
        writes.rows().forEach((id, row) -> {
            if (row == null) {
                stored.remove(id);
            } else {
                stored.put(id, row);
            }
        });
        writes.parameters().truncatedTables().forEach(table -> storedParameters.keySet().removeIf(id -> id.table().equals(table)));
        writes.parameters().rows().forEach((id, entries) -> {
            if (entries.isEmpty()) {
                storedParameters.remove(id);
            } else {
                storedParameters.put(id, entries);
            }
        });
        lastOpId = writes.lastOpId();
        return writes;
    }

}
