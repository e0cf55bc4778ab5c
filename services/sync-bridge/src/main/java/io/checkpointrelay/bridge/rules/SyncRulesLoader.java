package io.checkpointrelay.bridge.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads sync rules YAML:
 *
 * <pre>
 * bucket_definitions:
 *   user_todos:
 *     priority: 1                     # 0..3, default 3
 *     parameters: SELECT request.user_id() AS user_id   # a query or a list; none = global
 *     data:
 *       - SELECT * FROM todos WHERE created_by = bucket.user_id
 *   shared_lists:
 *     parameters: SELECT id AS list_id FROM lists WHERE owner_id = request.user_id()
 *     data:
 *       - SELECT * FROM todos WHERE list_id = bucket.list_id
 * </pre>
 *
 * Every message about a definition or query names the file and the line it is written on.
 */
public final class SyncRulesLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonPointer DEFINITIONS = JsonPointer.compile("/bucket_definitions");

    private SyncRulesLoader() {
    }

    public static SyncRules load(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new SyncRulesException("Cannot read sync rules " + file + ": " + e.getMessage(), e);
        }
        return parse(yaml, file.toString());
    }

    public static SyncRules parse(String yaml, String source) {
        JsonNode root;
        Map<String, Integer> lines;
        try {
            root = YAML.readTree(yaml);
            lines = lines(yaml);
        } catch (IOException e) {
            throw new SyncRulesException("Sync rules " + source + " are not valid YAML: " + e.getMessage(), e);
        }
        return parse(root, new Lines(source, lines));
    }

    /**
     * The line of every value and key, by JSON pointer: the tree Jackson builds keeps no
     * locations, so a second pass over the (small) file records them for messages.
     */
    private static Map<String, Integer> lines(String yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME || token.isScalarValue()) {
                    lines.put(parser.getParsingContext().pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
                }
            }
        }
        return lines;
    }

    /** Where things are in the file. */
    private record Lines(String file, Map<String, Integer> lines) {

        QuerySource definition(String name) {
            return at(DEFINITIONS.appendProperty(name), name);
        }

        QuerySource query(String definition, String key, int index, boolean inList) {
            JsonPointer pointer = DEFINITIONS.appendProperty(definition).appendProperty(key);
            return at(inList ? pointer.appendIndex(index) : pointer, definition);
        }

        private QuerySource at(JsonPointer pointer, String definition) {
            return new QuerySource(file, lines.getOrDefault(pointer.toString(), 0), definition);
        }
    }

    private static SyncRules parse(JsonNode root, Lines lines) {
        JsonNode definitionsNode = root == null ? null : root.get("bucket_definitions");
        if (definitionsNode == null || !definitionsNode.isObject() || definitionsNode.isEmpty()) {
            throw new SyncRulesException("Sync rules " + lines.file() + " have no 'bucket_definitions' mapping");
        }
        List<BucketDefinition> definitions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = definitionsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            definitions.add(definition(entry.getKey(), entry.getValue(), lines));
        }
        return new SyncRules(definitions);
    }

    private static BucketDefinition definition(String name, JsonNode node, Lines lines) {
        QuerySource where = lines.definition(name);
        if (!node.isObject()) {
            throw new SyncRulesException(where + ": expected a mapping with 'data'");
        }
        int priority = priority(node.get("priority"), where);

        List<ParameterQuery> parameterQueries = new ArrayList<>();
        JsonNode parametersNode = node.get("parameters");
        List<String> parameterSql = queries(parametersNode, where, "parameters");
        for (int i = 0; i < parameterSql.size(); i++) {
            String sql = parameterSql.get(i);
            QuerySource source = lines.query(name, "parameters", i, parametersNode.isArray());
            String id = JsonValues.array(List.of(name, new JsonNumber(Integer.toString(i))));
            parameterQueries.add(parse(source, sql, () -> QueryParser.parameterQuery(sql, id, source)));
        }
        List<String> parameterNames = parameterQueries.isEmpty() ? List.of() : parameterQueries.get(0).names();
        for (ParameterQuery query : parameterQueries) {
            if (!Set.copyOf(query.names()).equals(Set.copyOf(parameterNames))) {
                throw new SyncRulesException(query.source() + ", query '" + query.sql() + "': every parameter query must "
                        + "define the same parameters (" + String.join(", ", parameterNames) + ")");
            }
        }

        JsonNode dataNode = node.get("data");
        List<String> dataSql = queries(dataNode, where, "data");
        if (dataSql.isEmpty()) {
            throw new SyncRulesException(where + ": 'data' must list at least one query");
        }
        List<DataQuery> dataQueries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < dataSql.size(); i++) {
            String sql = dataSql.get(i);
            if (seen.add(sql)) {
                QuerySource source = lines.query(name, "data", i, dataNode.isArray());
                dataQueries.add(parse(source, sql, () -> QueryParser.dataQuery(sql, parameterNames, source)));
            }
        }
        return new BucketDefinition(name, priority, parameterNames, parameterQueries, dataQueries);
    }

    private static <T> T parse(QuerySource where, String sql, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (SyncRulesException e) {
            throw new SyncRulesException(where + ", query '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static int priority(JsonNode node, QuerySource where) {
        if (node == null || node.isNull()) {
            return BucketDefinition.DEFAULT_PRIORITY;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0 || node.intValue() > 3) {
            throw new SyncRulesException(where + ": priority must be an integer from 0 (highest) to 3, not " + node);
        }
        return node.intValue();
    }

    private static List<String> queries(JsonNode node, QuerySource where, String key) {
        List<String> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (node.isTextual()) {
            result.add(node.textValue().strip());
            return result;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw new SyncRulesException(where + ": '" + key + "' must list SQL strings, not " + item);
                }
                result.add(item.textValue().strip());
            }
            return result;
        }
        throw new SyncRulesException(where + ": '" + key + "' must be a SQL string or a list of them");
    }
}
