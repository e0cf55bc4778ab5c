package io.checkpointrelay.bridge.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SyncRulesTest {

    private static final RowShape TODO = new RowShape(List.of("id", "description", "completed", "created_by", "list_id"));

    @Test
    void demoRulesGiveEachUserTheirListsAndTodos() {
        SyncRules rules = SyncRulesLoader.load(Path.of("../../deploy/demo/sync-rules.yaml"));

        assertThat(rules.tables()).containsExactly(
                SourceTable.parse("lists"), SourceTable.parse("todos"), SourceTable.parse("upload_rejections"));
        assertThat(staticBuckets(rules, RequestContext.ofUser("alice"))).containsExactly(
                new BucketRef("user_lists[\"alice\"]", 3), new BucketRef("user_todos[\"alice\"]", 3),
                new BucketRef("user_rejections[\"alice\"]", 3));

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
        assertThat(staticBuckets(rules, request)).containsExactly(
                new BucketRef("global_open[]", 0), new BucketRef("by_org[\"o1\",\"red\"]", 3));
        assertThat(staticBuckets(rules, RequestContext.ofUser("u1"))).as("no org claim: no by_org bucket")
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
                    parameters: SELECT lists.id AS list_id FROM lists JOIN members ON members.list_id = lists.id WHERE user_id = request.user_id()
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "rules.yaml line 3, bucket definition 'mine', query 'SELECT lists.id", "JOIN is not supported in parameter queries");
        assertRejected("""
                bucket_definitions:
                  mine:
                    parameters: SELECT id AS list_id FROM lists WHERE owner_id = bucket.user_id
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "line 3, bucket definition 'mine'", "bucket parameters cannot be used in parameter queries");
        assertRejected("""
                bucket_definitions:
                  mine:
                    parameters: SELECT upper(name) AS list_id FROM lists WHERE owner_id = request.user_id()
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "line 3, bucket definition 'mine'", "only columns of lists", "upper(name)");
        assertRejected("""
                bucket_definitions:
                  mine:
                    parameters: SELECT id AS list_id FROM lists WHERE owner_id IN (request.user_id(), 'x')
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "line 3, bucket definition 'mine'", "unsupported condition", "<column> = <request value>");
        assertRejected("""
                bucket_definitions:
                  mine:
                    parameters: SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()
                    data:
                      - SELECT * FROM lists WHERE id = bucket.list_id
                      - SELECT * FROM todos WHERE list_id = bucket.list_id AND created_by = request.user_id()
                """, "rules.yaml line 6, bucket definition 'mine', query 'SELECT * FROM todos",
                "request values cannot be used in data queries");
        assertRejected("""
                bucket_definitions:
                  mixed:
                    parameters:
                      - SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()
                      - SELECT request.jwt() ->> 'list' AS list
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                """, "rules.yaml line 5, bucket definition 'mixed'", "same parameters");
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
                """, "rules.yaml line 2, bucket definition 'broken'", "priority");
        assertRejected("""
                bucket_definitions:
                  typo:
                    data:
                      - SELEC * FROM todos
                """, "bucket definition 'typo'", "SELEC * FROM todos", "not valid SQL");
    }

    @Test
    void tableParameterQueriesFileRowsUnderTheirLookupValuesAndRequestsFindThem() {
        SyncRules rules = SyncRulesLoader.parse("""
                bucket_definitions:
                  user_lists:
                    parameters: SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()
                    data:
                      - SELECT * FROM lists WHERE id = bucket.list_id
                      - SELECT * FROM todos WHERE list_id = bucket.list_id
                  org_todos:
                    parameters:
                      - SELECT org_id AS org, request.user_id() AS me FROM memberships WHERE request.user_id() = user_id AND active = true
                      - SELECT token_parameters.org AS org, request.user_id() AS me
                    data:
                      - SELECT * FROM todos WHERE list_id = bucket.org AND created_by = bucket.me
                """, "rules.yaml");
        SourceTable lists = SourceTable.parse("lists");
        SourceTable memberships = SourceTable.parse("memberships");
        RowShape list = new RowShape(List.of("id", "name", "owner_id"));
        RowShape membership = new RowShape(List.of("user_id", "org_id", "active"));

        assertThat(rules.tables()).containsExactly(lists, SourceTable.parse("todos"), memberships);
        assertThat(rules.syncs(memberships)).as("a table only a parameter query reads is replicated too").isTrue();
        assertThat(rules.hasParameterQueries(lists)).isTrue();
        assertThat(rules.hasParameterQueries(SourceTable.parse("todos"))).isFalse();
        assertThat(rules.firstQueryReading(memberships)).hasValueSatisfying(
                source -> assertThat(source).hasToString("rules.yaml line 9, bucket definition 'org_todos'"));

        ParameterLookup aliceLists = new ParameterLookup("[\"user_lists\",0]", "[\"alice\"]");
        assertThat(rules.parameterEntries(lists, new Row(list, new Object[] { "l1", "Home", "alice" })))
                .containsExactly(new ParameterEntry(aliceLists, "[\"l1\"]"));
        assertThat(rules.parameterEntries(lists, new Row(list, new Object[] { "l1", "Home", null })))
                .as("owner_id = NULL never matches").isEmpty();
        ParameterLookup aliceOrgs = new ParameterLookup("[\"org_todos\",0]", "[\"alice\"]");
        assertThat(rules.parameterEntries(memberships, new Row(membership, new Object[] { "alice", new JsonNumber("7"), JsonNumber.ONE })))
                .containsExactly(new ParameterEntry(aliceOrgs, "[7]"));
        assertThat(rules.parameterEntries(memberships, new Row(membership, new Object[] { "alice", new JsonNumber("8"), JsonNumber.ZERO })))
                .as("the literal filter active = true").isEmpty();

        RequestContext alice = new RequestContext("alice", json("{\"sub\":\"alice\",\"parameters\":{\"org\":9}}"), null);
        RequestBuckets request = rules.requestBuckets(alice);
        assertThat(request.lookups()).containsExactly(aliceLists, aliceOrgs);
        assertThat(request.resolve(Map.of())).as("nothing in the index: only what the request itself names")
                .containsExactly(new BucketRef("org_todos[9,\"alice\"]", 3));
        assertThat(request.resolve(Map.of(aliceLists, List.of("[\"l2\"]", "[\"l1\"]"), aliceOrgs, List.of("[7]", "[9]"))))
                .containsExactly(new BucketRef("user_lists[\"l1\"]", 3), new BucketRef("user_lists[\"l2\"]", 3),
                        new BucketRef("org_todos[7,\"alice\"]", 3), new BucketRef("org_todos[9,\"alice\"]", 3));
        assertThat(rules.requestBuckets(new RequestContext(null, null, null)).lookups())
                .as("no user: nothing to look up").isEmpty();
    }

    @Test
    void numericRequestValuesMatchNumericColumnsButNotText() {
        SyncRules rules = SyncRulesLoader.parse("""
                bucket_definitions:
                  team_lists:
                    parameters: SELECT id AS list_id FROM lists WHERE team = request.jwt() ->> 'team'
                    data:
                      - SELECT * FROM lists WHERE id = bucket.list_id
                """, "rules.yaml");
        RowShape shape = new RowShape(List.of("id", "team"));
        ParameterLookup stored = rules.parameterEntries(SourceTable.parse("lists"),
                new Row(shape, new Object[] { "l1", new JsonNumber("5.0") })).get(0).lookup();

        assertThat(rules.requestBuckets(new RequestContext("u", json("{\"team\":5}"), null)).lookups()).containsExactly(stored);
        assertThat(rules.requestBuckets(new RequestContext("u", json("{\"team\":\"5\"}"), null)).lookups())
                .doesNotContain(stored);
    }

    private static List<BucketRef> staticBuckets(SyncRules rules, RequestContext request) {
        RequestBuckets buckets = rules.requestBuckets(request);
        assertThat(buckets.needsLookups()).isFalse();
        return buckets.resolve(Map.of());
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
