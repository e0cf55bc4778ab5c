package io.checkpointrelay.bridge.rules;

import java.util.List;

/**
 * One entry of {@code bucket_definitions}: its buckets are named {@code name} plus the JSON array of
 * the parameter values, e.g. {@code user_todos["alice"]}.
 */
public record BucketDefinition(String name, int priority, List<String> parameterNames,
        List<ParameterQuery> parameterQueries, List<DataQuery> dataQueries) {

    public static final int DEFAULT_PRIORITY = 3;

    public BucketDefinition {
        parameterNames = List.copyOf(parameterNames);
        parameterQueries = List.copyOf(parameterQueries);
        dataQueries = List.copyOf(dataQueries);
    }

    /** A global definition has no parameters: exactly one bucket, {@code name[]}, for everybody. */
    public boolean isGlobal() {
        return parameterQueries.isEmpty();
    }

    public String bucketName(List<Object> parameterValues) {
        return name + JsonValues.array(parameterValues);
    }
}
