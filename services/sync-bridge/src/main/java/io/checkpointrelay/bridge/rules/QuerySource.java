package io.checkpointrelay.bridge.rules;

/**
 * Where a query (or a bucket definition) is written in the sync rules file, so every message about
 * it can point there: {@code sync-rules.yaml line 7, bucket definition 'user_lists'}.
 *
 * @param line 1-based line of the query in the YAML
 */
public record QuerySource(String file, int line, String definition) {

    @Override
    public String toString() {
        return file + " line " + line + ", bucket definition '" + definition + "'";
    }
}
