package io.checkpointrelay.bridge.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The bridge with {@code src/test/resources/list-rules.yaml} (buckets per list, found through a
 * parameter query on {@code lists}) on its own temporary PostgreSQL, seeded like the other tests.
 */
public class ListRules implements QuarkusTestProfile {

    public static final String FILE = "src/test/resources/list-rules.yaml";

    /** {@link PostgresResource} with the list rules instead of the demo's. */
    public static class Postgres extends PostgresResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("relay.sync-rules.file", FILE);
            return config;
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Postgres.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
