package io.checkpointrelay.protocol.schema;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /**
     * ISO-8601 date-time as PowerSync clients write it: {@code T} or a space between date and
     * time (the space is turned into {@code T} before parsing), optional fraction, optional
     * {@code Z} or offset ({@code +02}, {@code +02:00}, {@code +0200}).
     */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .appendPattern("[XXX][XX][X]")
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    /** PostgreSQL refuses time zone displacements of 16 hours or more. */
    private static final int MAX_OFFSET_SECONDS = 16 * 3600 - 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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

    /**
     * Why a client value does not fit this type, or null when it does. Null values always fit.
     * Whatever passes here PostgreSQL must accept: a value it refuses later would stop the
     * write-applier instead of giving the client a 400.
     */
    public String problemWith(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual() && value.asText().indexOf('\0') >= 0) {
            return "text must not contain the NUL character \\u0000 (PostgreSQL cannot store it)";
        }
        boolean fits = switch (this) {
            case TEXT -> value.isTextual();
            case UUID -> value.isTextual() && UUID_TEXT.matcher(value.asText()).matches();
            case SMALLINT -> value.isIntegralNumber() && value.canConvertToInt()
                    && value.asInt() >= Short.MIN_VALUE && value.asInt() <= Short.MAX_VALUE;
            case INTEGER -> value.isIntegralNumber() && value.canConvertToInt();
            case BIGINT -> value.isIntegralNumber() && value.canConvertToLong();
            case REAL -> value.isNumber() && fitsFloat(value);
            case DOUBLE -> value.isNumber() && fitsDouble(value);
            case NUMERIC -> (value.isNumber() && (value.isIntegralNumber() || value.isBigDecimal() || Double.isFinite(value.doubleValue())))
                    || (value.isTextual() && isDecimal(value.asText()));
            // SQLite has no boolean: clients send 0 and 1.
            case BOOLEAN -> value.isBoolean() || (value.isIntegralNumber() && (value.asLong() == 0 || value.asLong() == 1));
            case DATE -> value.isTextual() && isDate(value.asText());
            case TIMESTAMP, TIMESTAMPTZ -> value.isTextual() && isDateTime(value.asText());
            case JSONB -> value.isContainerNode() ? hasNoNul(value) : value.isTextual() && isJson(value.asText());
        };
        return fits ? null : "expected " + sqlType + expectedForm() + ", got " + describe(value);
    }

    private String expectedForm() {
        return switch (this) {
            case DATE -> " (yyyy-MM-dd)";
            case TIMESTAMP, TIMESTAMPTZ -> " (ISO-8601 like 2026-01-01T10:00:00Z)";
            case JSONB -> " (JSON without \\u0000)";
            case REAL, DOUBLE -> " (a finite number in range)";
            default -> "";
        };
    }

    /** float4 input: finite, and not so small that it rounds to zero (PostgreSQL calls both out of range). */
    private static boolean fitsFloat(JsonNode value) {
        float f = value.isBigDecimal() ? value.decimalValue().floatValue() : (float) value.doubleValue();
        return Float.isFinite(f) && (f != 0 || isZero(value));
    }

    private static boolean fitsDouble(JsonNode value) {
        double d = value.doubleValue();
        return Double.isFinite(d) && (d != 0 || isZero(value));
    }

    private static boolean isZero(JsonNode value) {
        return value.isBigDecimal() ? value.decimalValue().signum() == 0
                : value.isBigInteger() ? value.bigIntegerValue().signum() == 0
                : value.doubleValue() == 0;
    }

    private static boolean isDate(String text) {
        try {
            return inPostgresRange(LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).getYear());
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean isDateTime(String text) {
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            TemporalAccessor parsed = DATE_TIME.parse(iso);
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    && Math.abs(ZoneOffset.from(parsed).getTotalSeconds()) > MAX_OFFSET_SECONDS) {
                return false;
            }
            return inPostgresRange(LocalDateTime.from(parsed).getYear());
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Years 1 to 9999: PostgreSQL has no year 0, and the ISO forms above need a sign beyond four digits. */
    private static boolean inPostgresRange(int year) {
        return year >= 1 && year <= 9999;
    }

    private static boolean isJson(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonNode parsed = JSON.readTree(parser);
            return parsed != null && !parsed.isMissingNode() && hasNoNul(parsed);
        } catch (IOException e) {
            return false;
        }
    }

    /** jsonb refuses the NUL character (U+0000) in any string or key. */
    private static boolean hasNoNul(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().indexOf('\0') < 0;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().indexOf('\0') >= 0 || !hasNoNul(field.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!hasNoNul(element)) {
                    return false;
                }
            }
        }
        return true;
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
