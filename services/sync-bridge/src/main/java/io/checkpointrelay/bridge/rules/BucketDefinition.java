package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /** The buckets of this definition a request syncs. */
    public List<BucketRef> bucketsFor(RequestContext request) {
        if (isGlobal()) {
            return List.of(new BucketRef(bucketName(List.of()), priority));
        }
        Set<String> names = new LinkedHashSet<>();
        for (ParameterQuery query : parameterQueries) {
            List<Object> values = query.evaluate(request, parameterNames);
            if (values != null) {
                names.add(bucketName(values));
            }
        }
        List<BucketRef> buckets = new ArrayList<>(names.size());
        names.forEach(bucket -> buckets.add(new BucketRef(bucket, priority)));
        return buckets;
    }
}
