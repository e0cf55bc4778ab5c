package io.checkpointrelay.bridge.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Writes and reads row values ({@code null}, {@link String}, {@link JsonNumber}) as compact JSON text. */
public final class JsonValues {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private JsonValues() {
    }

    /*
     * Replication writes a few JSON texts per row; appending to a StringBuilder with Jackson's
     * escaper costs far less than a generator per text, and produces the same compact JSON.
     */

    /** Appends a value as JSON. */
    public static StringBuilder append(StringBuilder out, Object value) {
        if (value == null) {
            return out.append("null");
        }
        if (value instanceof JsonNumber number) {
            return out.append(number.text());
        }
        if (value instanceof String text) {
            return appendString(out, text);
        }
        throw new IllegalArgumentException("Not a row value: " + value.getClass().getName());
    }

    /** Appends a JSON string literal. */
    public static StringBuilder appendString(StringBuilder out, String text) {
        out.append('"');
        if (needsEscaping(text)) {
            ENCODER.quoteAsString(text, out);
        } else {
            out.append(text); // most values: one bulk copy instead of a char at a time
        }
        return out.append('"');
    }

    /** Whether the text holds a character JSON escapes (the encoder escapes exactly these). */
    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** A JSON array of the values, e.g. {@code ["alice",3]}: the parameter part of a bucket name. */
    public static String array(List<Object> values) {
        StringBuilder out = new StringBuilder(2 + values.size() * 24).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            append(out, values.get(i));
        }
        return out.append(']').toString();
    }

    /** All columns of a row as a JSON object, in column order. */
    public static String object(Row row) {
        StringBuilder out = new StringBuilder(64 + row.size() * 24).append('{');
        for (int i = 0; i < row.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(row.shape().jsonName(i));
            append(out, row.value(i));
        }
        return out.append('}').toString();
    }

    /** Reads a JSON object written by {@link #object(Row)} back into column values. */
    public static Map<String, Object> parseObject(String text) {
        Map<String, Object> values = new LinkedHashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("Not a JSON object: " + text);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                values.put(name, value(parser, parser.nextToken(), text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /** Reads a JSON array written by {@link #array(List)} back into values. */
    public static List<Object> parseArray(String text) {
        List<Object> values = new ArrayList<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("Not a JSON array: " + text);
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                values.add(value(parser, token, text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static Object value(JsonParser parser, JsonToken token, String text) throws IOException {
        return switch (token) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new JsonNumber(parser.getText());
            default -> throw new IllegalArgumentException("Unexpected " + token + " in stored values " + text);
        };
    }

    public static JsonFactory factory() {
        return FACTORY;
    }
}
