package io.checkpointrelay.protocol.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;

/**
 * The tables and columns clients may write, read from a YAML file shared by upload-api (which
 * rejects anything else with a 400) and write-applier (which writes nothing else). Only
 * identifiers of this file ever reach SQL, so user input never names a table or column.
 *
 * <pre>
 * tables:
 *   todos:
 *     owner_column: created_by
 *     columns:
 *       id: uuid
 *       description: text
 * </pre>
 */
public final class AppSchema {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, TableSchema> tables;

    public AppSchema(Map<String, TableSchema> tables) {
        this.tables = Map.copyOf(tables);
    }

    /**
     * Loads the file the services' {@code relay.schema.file} setting names, at start-up: a file
     * that cannot be used stops the service with a message naming the setting.
     */
    public static AppSchema loadSetting(Path file) {
        try {
            return load(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("relay.schema.file cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks the schema file; an {@link IllegalArgumentException} says what is wrong and
     * names the file by its absolute path.
     */
    public static AppSchema load(Path file) {
        // Relative paths resolve against the working directory, so say where we looked.
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("application schema " + absolute + " does not exist or cannot be read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, absolute.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read application schema " + absolute + ": " + e.getMessage(), e);
        }
    }

    public static AppSchema parse(InputStream yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("Application schema " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        JsonNode tablesNode = root == null ? null : root.get("tables");
        if (tablesNode == null || !tablesNode.isObject() || tablesNode.isEmpty()) {
            throw new IllegalArgumentException("Application schema " + source + " has no 'tables' mapping");
        }
        Map<String, TableSchema> tables = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tablesNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> table = it.next();
            tables.put(table.getKey(), parseTable(table.getKey(), table.getValue(), source));
        }
        return new AppSchema(tables);
    }

    private static TableSchema parseTable(String name, JsonNode node, String source) {
        String where = source + ", table '" + name + "'";
        requireIdentifier(name, where);
        JsonNode columnsNode = node.get("columns");
        if (columnsNode == null || !columnsNode.isObject()) {
            throw new IllegalArgumentException(where + " has no 'columns' mapping");
        }
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = columnsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> column = it.next();
            requireIdentifier(column.getKey(), where);
            try {
                columns.put(column.getKey(), ColumnType.of(column.getValue().asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ", column '" + column.getKey() + "': " + e.getMessage(), e);
            }
        }
        ColumnType idType = columns.get(TableSchema.ID);
        if (idType != ColumnType.TEXT && idType != ColumnType.UUID) {
            throw new IllegalArgumentException(where + " needs an 'id' column of type text or uuid");
        }
        String owner = node.hasNonNull("owner_column") ? node.get("owner_column").asText() : null;
        if (owner != null && !columns.containsKey(owner)) {
            throw new IllegalArgumentException(where + ": owner_column '" + owner + "' is not one of its columns");
        }
        return new TableSchema(name, columns, owner);
    }

    private static void requireIdentifier(String name, String where) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": '" + name + "' is not a plain lower-case SQL identifier");
        }
    }

    public Optional<TableSchema> table(String name) {
        return Optional.ofNullable(name == null ? null : tables.get(name));
    }

    public Map<String, TableSchema> tables() {
        return tables;
    }

    /**
     * Everything wrong with one entry, each problem a sentence a client developer can act on;
     * empty when the entry may be applied.
     */
    public List<String> problems(CrudEntry entry) {
        List<String> problems = new ArrayList<>();
        if (entry.op() == null) {
            problems.add("op must be PUT, PATCH or DELETE");
        }
        Optional<TableSchema> table = table(entry.type());
        if (table.isEmpty()) {
            problems.add("unknown table '" + entry.type() + "', known tables are " + tables.keySet());
            return problems;
        }
        TableSchema schema = table.get();
        if (entry.id() == null || entry.id().isEmpty()) {
            problems.add("id is missing");
        } else {
            String idProblem = schema.idType().problemWith(TextNode.valueOf(entry.id()));
            if (idProblem != null) {
                problems.add("id: " + idProblem);
            }
        }
        if (entry.data() != null && entry.op() != CrudOp.DELETE) {
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.data().fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> value = it.next();
                Optional<ColumnType> type = schema.column(value.getKey());
                if (type.isEmpty()) {
                    problems.add("unknown column '" + value.getKey() + "' of table '" + schema.name() + "'");
                } else if (TableSchema.ID.equals(value.getKey()) && !value.getValue().asText().equals(entry.id())) {
                    problems.add("data.id differs from the entry id");
                } else {
                    String problem = type.get().problemWith(value.getValue());
                    if (problem != null) {
                        problems.add("column '" + value.getKey() + "': " + problem);
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Why {@code userId} may not write this entry as the owner it names, or null. In tables with
     * an {@code owner_column}, a PUT or PATCH that sets it must set it to the writer's user id:
     * nobody creates rows for, or hands rows to, another user. (Writes to rows another user
     * already owns are refused against the stored rows: by upload-api before queueing, and by
     * the write-applier's statements inside its transaction.)
     */
    public String ownershipProblem(CrudEntry entry, String userId) {
        TableSchema schema = tables.get(entry.type());
        if (schema == null || schema.ownerColumn() == null || entry.op() == CrudOp.DELETE || entry.data() == null) {
            return null;
        }
        JsonNode owner = entry.data().get(schema.ownerColumn());
        if (owner == null || (owner.isTextual() && owner.textValue().equals(userId))) {
            return null;
        }
        return "column '" + schema.ownerColumn() + "' of table '" + schema.name() + "' must be your own user id '" + userId
                + "', not " + owner;
    }
}
