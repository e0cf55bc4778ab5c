package io.checkpointrelay.protocol.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/** Whatever a column type accepts PostgreSQL must accept too, or the write-applier stops on it. */
class ColumnTypeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-01T10:00:00Z", "2026-01-01 10:00:00.123+02:00", "2026-01-01T10:00:00",
            "2026-01-01 10:00:00", "2026-01-01T10:00:00.123456789Z", "2026-01-01T10:00:00+0530", "2026-01-01T10:00:00-02",
            "2024-05-01 12:00:00Z", "2026-01-01t10:00:00z"})
    void acceptsTheDateTimesClientsProduce(String text) {
        assertThat(ColumnType.TIMESTAMPTZ.problemWith(TextNode.valueOf(text))).isNull();
        assertThat(ColumnType.TIMESTAMP.problemWith(TextNode.valueOf(text))).isNull();
    }

    @Test
    void acceptsTheTimestampsJavaClientsWrite() {
        assertThat(ColumnType.TIMESTAMPTZ.problemWith(TextNode.valueOf(java.time.Instant.now().toString()))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "", "2026-01-01", "2026-02-30T10:00:00Z", "2026-01-01T25:00:00Z",
            "0000-01-01T00:00:00Z", "2026-01-01T10:00:00+17:00", "2026-01-01T10:00:00Zjunk", "01/02/2026 10:00"})
    void refusesDateTimesPostgresRefuses(String text) {
        assertThat(ColumnType.TIMESTAMPTZ.problemWith(TextNode.valueOf(text)))
                .startsWith("expected timestamptz (ISO-8601");
    }

    @Test
    void datesMustBeIsoDates() {
        assertThat(ColumnType.DATE.problemWith(TextNode.valueOf("2026-01-31"))).isNull();
        assertThat(ColumnType.DATE.problemWith(TextNode.valueOf("2026-02-30"))).startsWith("expected date (yyyy-MM-dd)");
        assertThat(ColumnType.DATE.problemWith(TextNode.valueOf("31.01.2026"))).startsWith("expected date");
        assertThat(ColumnType.DATE.problemWith(TextNode.valueOf("2026-01-31T00:00:00Z"))).startsWith("expected date");
    }

    @Test
    void jsonbStringsMustBeJson() throws Exception {
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("{\"a\":[1,2]}"))).isNull();
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("\"plain\""))).isNull();
        assertThat(ColumnType.JSONB.problemWith(json("{\"a\":{\"b\":true}}"))).isNull();
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("{a:1}"))).startsWith("expected jsonb");
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("{\"a\":1} trailing"))).startsWith("expected jsonb");
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf(""))).startsWith("expected jsonb");
        // jsonb cannot hold U+0000, escaped or not, in values or keys.
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("{\"a\":\"x\\u0000y\"}"))).startsWith("expected jsonb");
        assertThat(ColumnType.JSONB.problemWith(json("{\"a\":[\"x\\u0000\"]}"))).startsWith("expected jsonb");
        assertThat(ColumnType.JSONB.problemWith(json("{\"\\u0000\":1}"))).startsWith("expected jsonb");
    }

    @Test
    void noStringMayContainNul() {
        assertThat(ColumnType.TEXT.problemWith(TextNode.valueOf("a\0b"))).contains("NUL");
        assertThat(ColumnType.TEXT.problemWith(TextNode.valueOf("a\\u0000b"))).isNull();
        assertThat(ColumnType.JSONB.problemWith(TextNode.valueOf("\"a\0b\""))).contains("NUL");
    }

    @Test
    void floatingPointMustBeFiniteAndInRange() throws Exception {
        assertThat(ColumnType.REAL.problemWith(json("3.4e38"))).isNull();
        assertThat(ColumnType.REAL.problemWith(json("0"))).isNull();
        assertThat(ColumnType.REAL.problemWith(json("0.0"))).isNull();
        assertThat(ColumnType.REAL.problemWith(json("-1.5"))).isNull();
        assertThat(ColumnType.REAL.problemWith(json("3.5e38"))).startsWith("expected real");
        assertThat(ColumnType.REAL.problemWith(json("1e-50"))).startsWith("expected real");
        assertThat(ColumnType.DOUBLE.problemWith(json("3.5e38"))).isNull();
        assertThat(ColumnType.DOUBLE.problemWith(json("1e400"))).startsWith("expected double precision");
        assertThat(ColumnType.DOUBLE.problemWith(json("-1e400"))).startsWith("expected double precision");
    }

    @Test
    void smallintCoversItsWholeRange() throws Exception {
        assertThat(ColumnType.SMALLINT.problemWith(json("-32768"))).isNull();
        assertThat(ColumnType.SMALLINT.problemWith(json("32767"))).isNull();
        assertThat(ColumnType.SMALLINT.problemWith(json("32768"))).startsWith("expected smallint");
        assertThat(ColumnType.SMALLINT.problemWith(json("-32769"))).startsWith("expected smallint");
    }
}
