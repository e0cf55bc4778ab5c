package io.checkpointrelay.bridge.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.PostgresServer;
import io.checkpointrelay.stack.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A temporary PostgreSQL ({@link TestInfrastructure selected}: embedded or a container) with the
 * demo schema, plus a few rows that exist before the bridge starts (the initial snapshot must
 * pick them up).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    public static final String JWT_SECRET = "sync-bridge-tests-secret-0123456789abcdef";
    public static final String SEED_USER = "seed-user";
    public static final String SEED_CLIENT = "seed-client";
    public static final String SEED_LIST = "00000000-0000-4000-8000-000000000001";
    public static final String SEED_TODO = "00000000-0000-4000-8000-000000000002";

    private PostgresServer postgres;

    @Override
    public Map<String, String> start() {
        Infrastructure infrastructure = TestInfrastructure.selected();
        try {
            postgres = infrastructure.startPostgres();
            postgres.createDatabase("app");
            postgres.execute("app", Files.readString(Path.of("../../deploy/demo/schema.sql")));
            postgres.execute("app", """
                    INSERT INTO lists (id, created_at, name, owner_id)
                        VALUES ('%1$s', '2024-01-01 00:00:00+00', 'Seed list', '%3$s');
                    INSERT INTO todos (id, created_at, description, completed, created_by, list_id)
                        VALUES ('%2$s', '2024-01-01 00:00:00+00', 'Seed todo', false, '%3$s', '%1$s');
                    INSERT INTO checkpoints (user_id, client_id, checkpoint) VALUES ('%3$s', '%4$s', 3);
                    """.formatted(SEED_LIST, SEED_TODO, SEED_USER, SEED_CLIENT));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start PostgreSQL for the tests", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl("app"),
                "quarkus.datasource.username", postgres.user(),
                "relay.sync-rules.file", "../../deploy/demo/sync-rules.yaml",
                "relay.jwt.secret", JWT_SECRET,
                "relay.stream.keepalive-interval", "2s",
                // Tests compact when they mean to: no scheduled compaction in between.
                "relay.compact.interval", "off",
                // Acknowledge rarely, so a lost connection makes PostgreSQL resend stored transactions.
                "relay.replication.status-interval", "60s");
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
