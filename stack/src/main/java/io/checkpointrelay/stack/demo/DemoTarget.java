package io.checkpointrelay.stack.demo;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import io.checkpointrelay.stack.DevTokens;
import io.checkpointrelay.stack.LocalStack;

/**
 * The relay the demo plays against: the stack {@code relay demo} started, or one already running
 * (docker compose, {@code relay up}) named by environment variables.
 *
 * @param uploadApi     upload-api's base URI
 * @param sync          sync-bridge's base URI
 * @param tracker       checkpoint-tracker's base URI
 * @param tokens        issues tokens the services accept
 * @param database      opens a connection to the application database (the demo watches its checkpoints table)
 * @param dataDirectory where the demo keeps its devices from one run to the next
 * @param logs          where to look for a service's log, for error messages
 */
public record DemoTarget(URI uploadApi, URI sync, URI tracker, DevTokens tokens, Database database, Path dataDirectory, Logs logs) {

    /** The variables {@link #fromEnvironment} reads (the names {@code relay env} prints). */
    public static final String UPLOAD_API_URL = "UPLOAD_API_URL";
    public static final String SYNC_URL = "SYNC_URL";
    public static final String TRACKER_URL = "TRACKER_URL";
    public static final String POSTGRES_JDBC_URL = "POSTGRES_JDBC_URL";
    public static final String POSTGRES_USER = "POSTGRES_USER";
    public static final String POSTGRES_PASSWORD = "POSTGRES_PASSWORD";
    public static final String RELAY_JWT_SECRET = "RELAY_JWT_SECRET";
    public static final String RELAY_JWT_AUDIENCE = "RELAY_JWT_AUDIENCE";

    @FunctionalInterface
    public interface Database {
        Connection connect() throws SQLException;
    }

    @FunctionalInterface
    public interface Logs {
        /** Where a service's log is, e.g. a file or a command. */
        String of(String service);
    }

    public static DemoTarget of(LocalStack stack) {
        return new DemoTarget(stack.uploadApiUri(), stack.syncUri(), stack.trackerUri(), stack.tokens(),
                () -> stack.postgres().connect(LocalStack.DATABASE), stack.dataDirectory(),
                service -> stack.logDirectory().resolve(service + ".log").toString());
    }

    /**
     * A running relay: {@value #UPLOAD_API_URL}, {@value #SYNC_URL}, {@value #TRACKER_URL},
     * {@value #POSTGRES_JDBC_URL}, {@value #POSTGRES_USER}, {@value #RELAY_JWT_SECRET} (the
     * services' HS256 secret) are required; {@value #POSTGRES_PASSWORD} and
     * {@value #RELAY_JWT_AUDIENCE} are optional.
     */
    public static DemoTarget fromEnvironment(Map<String, String> env, Path dataDirectory) {
        String jdbcUrl = required(env, POSTGRES_JDBC_URL);
        String user = required(env, POSTGRES_USER);
        String password = env.getOrDefault(POSTGRES_PASSWORD, "");
        String audience = env.getOrDefault(RELAY_JWT_AUDIENCE, "");
        DevTokens tokens = audience.isBlank() ? new DevTokens(required(env, RELAY_JWT_SECRET))
                : new DevTokens(required(env, RELAY_JWT_SECRET), audience);
        return new DemoTarget(URI.create(required(env, UPLOAD_API_URL)), URI.create(required(env, SYNC_URL)),
                URI.create(required(env, TRACKER_URL)), tokens, () -> DriverManager.getConnection(jdbcUrl, user, password),
                dataDirectory, service -> "the " + service + " log");
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: the demo against a running relay needs " + String.join(", ",
                    UPLOAD_API_URL, SYNC_URL, TRACKER_URL, POSTGRES_JDBC_URL, POSTGRES_USER, RELAY_JWT_SECRET)
                    + " (and POSTGRES_PASSWORD when the database has one); 'eval \"$(./relay env)\"' sets them for a stack 'relay up' runs");
        }
        return value;
    }
}
