package io.checkpointrelay.bridge.rules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * </pre>
 */
public final class SyncRulesLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SyncRulesLoader() {
    }

    public static SyncRules load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new SyncRulesException("Cannot read sync rules " + file + ": " + e.getMessage(), e);
        }
    }

    public static SyncRules parse(String yaml, String source) {
        try {
            return parse(YAML.readTree(yaml), source);
        } catch (IOException e) {
            throw new SyncRulesException("Sync rules " + source + " are not valid YAML: " + e.getMessage(), e);
        }
    }

    static SyncRules parse(InputStream yaml, String source) {
        try {
            return parse(YAML.readTree(yaml), source);
        } catch (IOException e) {
            throw new SyncRulesException("Sync rules " + source + " are not valid YAML: " + e.getMessage(), e);
        }
    }

    private static SyncRules parse(JsonNode root, String source) {
        JsonNode definitionsNode = root == null ? null : root.get("bucket_definitions");
        if (definitionsNode == null || !definitionsNode.isObject() || definitionsNode.isEmpty()) {
            throw new SyncRulesException("Sync rules " + source + " have no 'bucket_definitions' mapping");
        }
        List<BucketDefinition> definitions = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = definitionsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            definitions.add(definition(entry.getKey(), entry.getValue(), source));
        }
        return new SyncRules(definitions);
    }

    private static BucketDefinition definition(String name, JsonNode node, String source) {
        String where = "Sync rules " + source + ", bucket definition '" + name + "'";
        if (!node.isObject()) {
            throw new SyncRulesException(where + ": expected a mapping with 'data'");
        }
        int priority = priority(node.get("priority"), where);

        List<ParameterQuery> parameterQueries = new ArrayList<>();
        for (String sql : queries(node.get("parameters"), where, "parameters")) {
            parameterQueries.add(parse(where, sql, () -> QueryParser.parameterQuery(sql)));
        }
        List<String> parameterNames = parameterQueries.isEmpty() ? List.of() : parameterQueries.get(0).names();
        for (ParameterQuery query : parameterQueries) {
            if (!Set.copyOf(query.names()).equals(Set.copyOf(parameterNames))) {
                throw new SyncRulesException(where + ", query '" + query.sql() + "': every parameter query must "
                        + "define the same parameters (" + String.join(", ", parameterNames) + ")");
            }
        }

        List<String> dataSql = queries(node.get("data"), where, "data");
        if (dataSql.isEmpty()) {
            throw new SyncRulesException(where + ": 'data' must list at least one query");
        }
        List<DataQuery> dataQueries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String sql : dataSql) {
            if (seen.add(sql)) {
                dataQueries.add(parse(where, sql, () -> QueryParser.dataQuery(sql, parameterNames)));
            }
        }
        return new BucketDefinition(name, priority, parameterNames, parameterQueries, dataQueries);
    }

    private static <T> T parse(String where, String sql, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (SyncRulesException e) {
            throw new SyncRulesException(where + ", query '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static int priority(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return BucketDefinition.DEFAULT_PRIORITY;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0 || node.intValue() > 3) {
            throw new SyncRulesException(where + ": priority must be an integer from 0 (highest) to 3, not " + node);
        }
        return node.intValue();
    }

    private static List<String> queries(JsonNode node, String where, String key) {
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
