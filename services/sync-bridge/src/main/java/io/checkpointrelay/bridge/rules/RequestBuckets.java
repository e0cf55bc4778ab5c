package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The buckets one request syncs, before storage is read: buckets its request values name directly
 * (global definitions, static parameter queries) and the parameter index lookups of table
 * parameter queries. {@link #resolve} turns what the index holds for those lookups into the bucket
 * list, in definition order, each bucket once. Immutable.
 */
public final class RequestBuckets {

    private sealed interface Part {
    }

    private record Fixed(BucketRef bucket) implements Part {
    }

    private record Lookup(BucketDefinition definition, TableParameterQuery query, ParameterLookup lookup) implements Part {
    }

    private final RequestContext request;
    private final List<Part> parts;
    private final List<ParameterLookup> lookups;

    private RequestBuckets(RequestContext request, List<Part> parts) {
        this.request = request;
        this.parts = List.copyOf(parts);
        Set<ParameterLookup> distinct = new LinkedHashSet<>();
        for (Part part : parts) {
            if (part instanceof Lookup lookup) {
                distinct.add(lookup.lookup());
            }
        }
        this.lookups = List.copyOf(distinct);
    }

    /** A fixed list of buckets. */
    public static RequestBuckets of(List<BucketRef> buckets) {
        return new RequestBuckets(null, buckets.stream().<Part>map(Fixed::new).toList());
    }

    static RequestBuckets of(List<BucketDefinition> definitions, RequestContext request) {
        List<Part> parts = new ArrayList<>();
        for (BucketDefinition definition : definitions) {
            if (definition.isGlobal()) {
                parts.add(new Fixed(new BucketRef(definition.bucketName(List.of()), definition.priority())));
                continue;
            }
            for (ParameterQuery query : definition.parameterQueries()) {
                switch (query) {
                    case StaticParameterQuery requestOnly -> {
                        List<Object> values = requestOnly.evaluate(request, definition.parameterNames());
                        if (values != null) {
                            parts.add(new Fixed(new BucketRef(definition.bucketName(values), definition.priority())));
                        }
                    }
                    case TableParameterQuery table -> {
                        ParameterLookup lookup = table.lookup(request);
                        if (lookup != null) {
                            parts.add(new Lookup(definition, table, lookup));
                        }
                    }
                }
            }
        }
        return new RequestBuckets(request, parts);
    }

    /** The parameter index entries this request needs, each once; empty when storage need not be asked. */
    public List<ParameterLookup> lookups() {
        return lookups;
    }

    public boolean needsLookups() {
        return !lookups.isEmpty();
    }

    /**
     * The buckets, given the outputs the parameter index holds for each of {@link #lookups()}
     * (missing = none).
     */
    public List<BucketRef> resolve(Map<ParameterLookup, ? extends Collection<String>> outputs) {
        List<BucketRef> buckets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Part part : parts) {
            switch (part) {
                case Fixed fixed -> {
                    if (seen.add(fixed.bucket().name())) {
                        buckets.add(fixed.bucket());
                    }
                }
                case Lookup lookup -> {
                    BucketDefinition definition = lookup.definition();
                    Collection<String> found = outputs.get(lookup.lookup());
                    if (found == null) {
                        continue;
                    }
                    // Sorted, so the bucket list does not depend on the order storage returned entries in.
                    for (String output : new TreeSet<>(found)) {
                        List<Object> values = lookup.query().bucketParameters(output, request, definition.parameterNames());
                        if (values != null) {
                            String name = definition.bucketName(values);
                            if (seen.add(name)) {
                                buckets.add(new BucketRef(name, definition.priority()));
                            }
                        }
                    }
                }
            }
        }
        return buckets;
    }
}
