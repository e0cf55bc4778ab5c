package io.checkpointrelay.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.protocol.upload.CrudEntry;

class AppSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST_ID = "2f1c6a3e-8f7b-4b8e-9d7a-0c1e2f3a4b5c";

    private final AppSchema schema = AppSchema.load(Path.of("../../deploy/demo/app-schema.yaml"));

    private CrudEntry entry(String json) throws Exception {
        return JSON.readValue(json, CrudEntry.class);
    }

    @Test
    void acceptsWhatAStockClientUploads() throws Exception {
        CrudEntry put = entry("""
                {"op_id":7,"op":"PUT","type":"todos","id":"%s","tx_id":3,
                 "data":{"description":"milk","completed":0,"created_by":"alice","list_id":"%s","created_at":"2026-01-01T00:00:00Z"}}
                """.formatted(LIST_ID, LIST_ID));
        CrudEntry patch = entry("""
                {"op_id":8,"op":"PATCH","type":"todos","id":"%s","data":{"completed":1,"completed_at":null}}
                """.formatted(LIST_ID));
        CrudEntry delete = entry("""
                {"op_id":9,"op":"DELETE","type":"lists","id":"%s"}
                """.formatted(LIST_ID));

        assertThat(schema.problems(put)).isEmpty();
        assertThat(schema.problems(patch)).isEmpty();
        assertThat(schema.problems(delete)).isEmpty();
        assertThat(put.opId()).isEqualTo(7);
        assertThat(put.txId()).isEqualTo(3);
    }

    @Test
    void namesUnknownTablesAndColumns() throws Exception {
        assertThat(schema.problems(entry("{\"op\":\"PUT\",\"type\":\"users\",\"id\":\"x\",\"data\":{}}")))
                .singleElement().asString().contains("unknown table 'users'");
        assertThat(schema.problems(entry("""
                {"op":"PATCH","type":"lists","id":"%s","data":{"colour":"red"}}""".formatted(LIST_ID))))
                .containsExactly("unknown column 'colour' of table 'lists'");
    }

    @Test
    void rejectsValuesThatDoNotFitTheColumnType() throws Exception {
        assertThat(schema.problems(entry("""
                {"op":"PATCH","type":"todos","id":"%s","data":{"completed":2,"description":5,"list_id":"nope"}}""".formatted(LIST_ID))))
                .containsExactlyInAnyOrder(
                        "column 'completed': expected boolean, got number 2",
                        "column 'description': expected text, got number 5",
                        "column 'list_id': expected uuid, got string \"nope\"");
    }

    @Test
    void rejectsMissingOrMalformedIds() throws Exception {
        assertThat(schema.problems(entry("{\"op\":\"DELETE\",\"type\":\"lists\"}"))).containsExactly("id is missing");
        assertThat(schema.problems(entry("{\"op\":\"DELETE\",\"type\":\"lists\",\"id\":\"42\"}")))
                .singleElement().asString().startsWith("id: expected uuid");
        assertThat(schema.problems(entry("""
                {"op":"PUT","type":"lists","id":"%s","data":{"id":"%s"}}""".formatted(LIST_ID, LIST_ID.replace('2', '3')))))
                .containsExactly("data.id differs from the entry id");
    }

    @Test
    void aMissingFileIsNamedByItsAbsolutePath() {
        Path relative = Path.of("no-such-dir/app-schema.yaml");
        assertThatThrownBy(() -> AppSchema.load(relative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(relative.toAbsolutePath().normalize().toString())
                .hasMessageContaining("does not exist or cannot be read");
    }

    @Test
    void refusesSchemasThatCouldInjectIdentifiers() {
        String yaml = """
                tables:
                  "todos; drop table x":
                    columns: {id: text}
                """;
        assertThatThrownBy(() -> AppSchema.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml"))
                .hasMessageContaining("not a plain lower-case SQL identifier");
    }

    @Test
    void refusesSchemasWithoutIdOrWithUnknownTypes() {
        assertThatThrownBy(() -> AppSchema.parse(stream("tables: {t: {columns: {name: text}}}"), "s"))
                .hasMessageContaining("needs an 'id' column");
        assertThatThrownBy(() -> AppSchema.parse(stream("tables: {t: {columns: {id: text, n: money}}}"), "s"))
                .hasMessageContaining("column 'n'").hasMessageContaining("unknown column type 'money'");
        assertThatThrownBy(() -> AppSchema.parse(stream("tables: {t: {owner_column: owner, columns: {id: text}}}"), "s"))
                .hasMessageContaining("owner_column 'owner'");
    }

    private static ByteArrayInputStream stream(String yaml) {
        return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
    }
}
