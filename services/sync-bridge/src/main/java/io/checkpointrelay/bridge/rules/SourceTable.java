package io.checkpointrelay.bridge.rules;

import java.util.Locale;

/** A table of the source database, e.g. {@code public.todos}. Unquoted names are folded to lower case. */
public record SourceTable(String schema, String name) {

    public static final String DEFAULT_SCHEMA = "public";

    /** {@code todos} or {@code app.todos}. */
    public static SourceTable parse(String qualifiedName) {
        String text = qualifiedName.strip();
        int dot = text.indexOf('.');
        return dot < 0
                ? new SourceTable(DEFAULT_SCHEMA, fold(text))
                : new SourceTable(fold(text.substring(0, dot)), fold(text.substring(dot + 1)));
    }

    /** PostgreSQL folds unquoted identifiers to lower case; quoted ones keep their case. */
    static String fold(String identifier) {
        if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    /** The quoted name for SQL text. */
    public String sql() {
        return quote(schema) + "." + quote(name);
    }

    /** Short stable name: {@code todos} in schema public, {@code app.todos} otherwise. */
    public String key() {
        return DEFAULT_SCHEMA.equals(schema) ? name : schema + "." + name;
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return key();
    }
}
