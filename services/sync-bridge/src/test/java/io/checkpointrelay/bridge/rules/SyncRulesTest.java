package io.checkpointrelay.bridge.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SyncRulesTest {

    private static final RowShape TODO = new RowShape(List.of("id", "description", "completed", "created_by", "list_id"));

    @Test
    void demoRulesGiveEachUserTheirListsAndTodos() {
        SyncRules rules = SyncRulesLoader.load(Path.of("../../deploy/demo/sync-rules.yaml"));

        assertThat(rules.tables()).containsExactly(SourceTable.parse("lists"), SourceTable.parse("todos"));
        assertThat(rules.bucketsFor(RequestContext.ofUser("alice"))).containsExactly(
                new BucketRef("user_lists[\"alice\"]", 3), new BucketRef("user_todos[\"alice\"]", 3));

        Row todo = new Row(TODO, new Object[] { "t1", "Milk", JsonNumber.ZERO, "alice", "l1" });
        assertThat(rules.evaluate(SourceTable.parse("todos"), todo)).containsExactly(new BucketEntry(
                "user_todos[\"alice\"]", "todos", "t1",
                "{\"id\":\"t1\",\"description\":\"Milk\",\"completed\":0,\"created_by\":\"alice\",\"list_id\":\"l1\"}"));
        assertThat(rules.evaluate(SourceTable.parse("public.todos"), todo)).hasSize(1);
        assertThat(rules.evaluate(SourceTable.parse("other.todos"), todo)).isEmpty();
    }

    @Test
    void rowWithNullParameterColumnIsInNoBucket() {
        SyncRules rules = SyncRulesLoader.load(Path.of("../../deploy/demo/sync-rules.yaml"));
        Row todo = new Row(TODO, new Object[] { "t1", "Milk", JsonNumber.ZERO, null, "l1" });

        assertThat(rules.evaluate(SourceTable.parse("todos"), todo)).isEmpty();
    }

    @Test
    void globalDefinitionsPrioritiesColumnsAliasesAndLiteralFilters() {
        SyncRules rules = SyncRulesLoader.parse("""
                bucket_definitions:
                  global_open:
                    priority: 0
                    data:
                      - SELECT id, description AS title FROM todos WHERE completed = false AND created_by = 'system'
                  by_org:
                    parameters: SELECT request.jwt() ->> 'org' AS org, request.parameters() ->> 'team' AS team
                    data:
                      - SELECT * FROM public.todos AS tasks WHERE list_id = bucket.org AND bucket.team = description
                """, "inline");

        RequestContext request = new RequestContext("u1", json("{\"sub\":\"u1\",\"org\":\"o1\"}"), json("{\"team\":\"red\"}"));
        assertThat(rules.bucketsFor(request)).containsExactly(
                new BucketRef("global_open[]", 0), new BucketRef("by_org[\"o1\",\"red\"]", 3));
        assertThat(rules.bucketsFor(RequestContext.ofUser("u1"))).as("no org claim: no by_org bucket")
                .containsExactly(new BucketRef("global_open[]", 0));

        Row open = new Row(TODO, new Object[] { "t1", "red", JsonNumber.ZERO, "system", "o1" });
        assertThat(rules.evaluate(SourceTable.parse("todos"), open)).containsExactly(
                new BucketEntry("global_open[]", "todos", "t1", "{\"id\":\"t1\",\"title\":\"red\"}"),
                new BucketEntry("by_org[\"o1\",\"red\"]", "tasks", "t1",
                        "{\"id\":\"t1\",\"description\":\"red\",\"completed\":0,\"created_by\":\"system\",\"list_id\":\"o1\"}"));
        Row done = new Row(TODO, new Object[] { "t2", "blue", JsonNumber.ONE, "system", "o1" });
        assertThat(rules.evaluate(SourceTable.parse("todos"), done)).extracting(BucketEntry::bucket)
                .containsExactly("by_org[\"o1\",\"blue\"]");
    }

    @Test
    void numericParameterValuesStayNumbersInBucketNames() {
        SyncRules rules = SyncRulesLoader.parse("""
                bucket_definitions:
                  by_list:
                    parameters:
                      - SELECT request.user_id() AS owner
                    data:
                      - SELECT * FROM items WHERE owner = bucket.owner
                """, "inline");
        RowShape shape = new RowShape(List.of("id", "owner"));

        assertThat(rules.evaluate(SourceTable.parse("items"), new Row(shape, new Object[] { new JsonNumber("7"), new JsonNumber("42") })))
                .containsExactly(new BucketEntry("by_list[42]", "items", "7", "{\"id\":7,\"owner\":42}"));
    }

    @Test
    void unsupportedSqlIsRejectedNamingTheDefinitionAndTheQuery() {
        assertRejected("""
                bucket_definitions:
                  user_todos:
                    parameters: SELECT request.user_id() AS user_id
                    data:
                      - SELECT * FROM todos JOIN lists ON lists.id = todos.list_id WHERE created_by = bucket.user_id
                """, "bucket definition 'user_todos'", "SELECT * FROM todos JOIN lists", "JOIN");
        assertRejected("""
                bucket_definitions:
                  user_todos:
                    parameters: SELECT request.user_id() AS user_id
                    data:
                      - SELECT * FROM todos WHERE created_by = bucket.owner
                """, "bucket definition 'user_todos'", "bucket.owner", "unknown bucket parameter");
        assertRejected("""
                bucket_definitions:
                  user_todos:
                    parameters: SELECT request.user_id() AS user_id
                    data:
                      - SELECT * FROM todos
                """, "bucket definition 'user_todos'", "SELECT * FROM todos", "every bucket parameter");
        assertRejected("""
                bucket_definitions:
                  mine:
                    parameters: SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "bucket definition 'mine'", "FROM lists", "read tables");
        assertRejected("""
                bucket_definitions:
                  upper:
                    data:
                      - SELECT upper(description) AS d, id FROM todos
                """, "bucket definition 'upper'", "upper(description)", "plain columns");
        assertRejected("""
                bucket_definitions:
                  either:
                    data:
                      - SELECT * FROM todos WHERE completed = true OR created_by = 'x'
                """, "bucket definition 'either'", "OR", "unsupported condition");
        assertRejected("""
                bucket_definitions:
                  no_id:
                    data:
                      - SELECT description FROM todos
                """, "bucket definition 'no_id'", "SELECT description FROM todos", "id column");
        assertRejected("""
                bucket_definitions:
                  broken:
                    priority: 7
                    data:
                      - SELECT * FROM todos
                """, "bucket definition 'broken'", "priority");
        assertRejected("""
                bucket_definitions:
                  typo:
                    data:
                      - SELEC * FROM todos
                """, "bucket definition 'typo'", "SELEC * FROM todos", "not valid SQL");
    }

    private static void assertRejected(String yaml, String... fragments) {
        assertThatThrownBy(() -> SyncRulesLoader.parse(yaml, "rules.yaml"))
                .isInstanceOf(SyncRulesException.class)
                .hasMessageContaining("rules.yaml")
                .satisfies(e -> {
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).contains(fragment);
                    }
                });
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
