package io.checkpointrelay.protocol.schema;

/**
 * Quotes table and column names for SQL. Names come from configuration (the application
 * schema, settings), never from client input; quoting keeps them exact and harmless anyway.
 */
public final class SqlIdentifier {

    private SqlIdentifier() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
