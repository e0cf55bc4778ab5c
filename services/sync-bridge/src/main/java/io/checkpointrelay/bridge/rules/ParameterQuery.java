package io.checkpointrelay.bridge.rules;

import java.util.List;

/**
 * A parameter query of a bucket definition: it yields the bucket parameter values of the buckets
 * a request syncs, either from the request alone ({@link StaticParameterQuery}) or from rows of a
 * table matched against request values ({@link TableParameterQuery}).
 */
public sealed interface ParameterQuery permits StaticParameterQuery, TableParameterQuery {

    String sql();

    /** Where the query is written. */
    QuerySource source();

    /** The parameter names it defines, in select-list order. */
    List<String> names();
}
