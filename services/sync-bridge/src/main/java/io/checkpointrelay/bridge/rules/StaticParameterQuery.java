package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A parameter query that reads only the request, e.g. {@code SELECT request.user_id() AS user_id}:
 * one set of bucket parameter values per request, known without reading storage.
 */
public record StaticParameterQuery(String sql, QuerySource source, List<String> names, List<RequestValue> values)
        implements ParameterQuery {

    public StaticParameterQuery {
        names = List.copyOf(names);
        values = List.copyOf(values);
    }

    /** The values in the order of {@code orderedNames}; null when any of them is null (no bucket). */
    public List<Object> evaluate(RequestContext request, List<String> orderedNames) {
        List<Object> result = new ArrayList<>(orderedNames.size());
        for (String name : orderedNames) {
            Object value = values.get(names.indexOf(name)).valueIn(request);
            if (value == null) {
                return null;
            }
            result.add(value);
        }
        return result;
    }
}
