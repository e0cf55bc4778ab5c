package io.checkpointrelay.protocol.schema;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The column types a schema may declare. Clients hold SQLite values (text, integer, real);
 * each type says which of those it accepts and how the value is handed to PostgreSQL: always
 * as text, cast to {@link #sqlType()}, so one binding path serves every type.
 */
public enum ColumnType {
    TEXT("text"),
    UUID("uuid"),
    SMALLINT("smallint"),
    INTEGER("integer"),
    BIGINT("bigint"),
    REAL("real"),
    DOUBLE("double precision"),
    NUMERIC("numeric"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIMESTAMP("timestamp"),
    TIMESTAMPTZ("timestamptz"),
    JSONB("jsonb");

    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final Map<String, ColumnType> ALIASES = Map.ofEntries(
            Map.entry("text", TEXT), Map.entry("varchar", TEXT), Map.entry("uuid", UUID),
            Map.entry("smallint", SMALLINT), Map.entry("int2", SMALLINT),
            Map.entry("integer", INTEGER), Map.entry("int", INTEGER), Map.entry("int4", INTEGER),
            Map.entry("bigint", BIGINT), Map.entry("int8", BIGINT),
            Map.entry("real", REAL), Map.entry("float4", REAL),
            Map.entry("double precision", DOUBLE), Map.entry("float8", DOUBLE),
            Map.entry("numeric", NUMERIC), Map.entry("boolean", BOOLEAN), Map.entry("bool", BOOLEAN),
            Map.entry("date", DATE), Map.entry("timestamp", TIMESTAMP), Map.entry("timestamptz", TIMESTAMPTZ),
            Map.entry("jsonb", JSONB), Map.entry("json", JSONB));

    private final String sqlType;

    ColumnType(String sqlType) {
        this.sqlType = sqlType;
    }

    /** The PostgreSQL type the text value is cast to. */
    public String sqlType() {
        return sqlType;
    }

    public static ColumnType of(String name) {
        ColumnType type = ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new IllegalArgumentException("unknown column type '" + name + "', expected one of " + ALIASES.keySet());
        }
        return type;
    }

    /** Why a client value does not fit this type, or null when it does. Null values always fit. */
    public String problemWith(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        boolean fits = switch (this) {
            case TEXT, DATE, TIMESTAMP, TIMESTAMPTZ -> value.isTextual();
            case UUID -> value.isTextual() && UUID_TEXT.matcher(value.asText()).matches();
            case SMALLINT -> value.isIntegralNumber() && value.canConvertToInt() && Math.abs(value.asInt()) <= Short.MAX_VALUE;
            case INTEGER -> value.isIntegralNumber() && value.canConvertToInt();
            case BIGINT -> value.isIntegralNumber() && value.canConvertToLong();
            case REAL, DOUBLE, NUMERIC -> value.isNumber() || (this == NUMERIC && value.isTextual() && isDecimal(value.asText()));
            // SQLite has no boolean: clients send 0 and 1.
            case BOOLEAN -> value.isBoolean() || (value.isIntegralNumber() && (value.asLong() == 0 || value.asLong() == 1));
            case JSONB -> value.isContainerNode() || value.isTextual();
        };
        return fits ? null : "expected " + sqlType + ", got " + describe(value);
    }

    /** The text PostgreSQL receives for a value this type accepts; null stays null. */
    public String toSqlText(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (this == BOOLEAN && value.isNumber()) {
            return value.asLong() == 1 ? "true" : "false";
        }
        return value.isContainerNode() ? value.toString() : value.asText();
    }

    private static boolean isDecimal(String text) {
        return text.matches("-?[0-9]+(\\.[0-9]+)?");
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
