package io.checkpointrelay.stack;

import java.util.List;
import java.util.Optional;

/**
 * The settings every deployment of a service must give it, because they have no usable default:
 * where Kafka and PostgreSQL are, the application's files, the token key. {@link LocalStack}
 * sets exactly these, and the deployment checks (module {@code deploy}) hold docker-compose.yml
 * and the Kubernetes manifests to the same list, so a setting a service starts to need is
 * named once, here.
 */
public final class DeploymentSettings {

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    public static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    public static final String DATABASE_USER = "quarkus.datasource.username";
    public static final String DATABASE_PASSWORD = "quarkus.datasource.password";
    public static final String SCHEMA_FILE = "relay.schema.file";
    public static final String SYNC_RULES_FILE = "relay.sync-rules.file";
    public static final String JWT_SECRET = "relay.jwt.secret";
    public static final String JWT_JWKS = "relay.jwt.jwks";
    public static final String MANAGED_FULFILMENT = "relay.checkpoints.managed-fulfilment";
    public static final String STREAMS_STATE_DIR = "kafka-streams.state.dir";

    /** Clients write through upload-api, so managed checkpoint requests queue behind their uploads. */
    public static final String UPLOAD_QUEUE = "upload-queue";

    /**
     * One setting.
     *
     * @param keys  alternatives, at least one of which must be set; the local stack sets the first
     * @param value the one right value in a relay whose clients write through upload-api, if any
     */
    public record Setting(List<String> keys, Optional<String> value) {

        static Setting of(String key) {
            return new Setting(List.of(key), Optional.empty());
        }

        /** The key the local stack sets. */
        public String key() {
            return keys.getFirst();
        }
    }

    /** Tokens: the identity provider's JWK set in production, an HS256 secret in development (the stack's). */
    private static final Setting TOKEN_KEY = new Setting(List.of(JWT_SECRET, JWT_JWKS), Optional.empty());

    private DeploymentSettings() {
    }

    /** What a deployment must set for {@code service}, in the order the local stack sets it. */
    public static List<Setting> of(RelayService service) {
        return switch (service) {
            case WRITE_APPLIER -> List.of(Setting.of(KAFKA_BOOTSTRAP_SERVERS), Setting.of(REACTIVE_URL), Setting.of(DATABASE_USER),
                    Setting.of(SCHEMA_FILE));
            case SYNC_BRIDGE -> List.of(Setting.of(JDBC_URL), Setting.of(DATABASE_USER), Setting.of(SYNC_RULES_FILE), TOKEN_KEY,
                    new Setting(List.of(MANAGED_FULFILMENT), Optional.of(UPLOAD_QUEUE)), Setting.of(KAFKA_BOOTSTRAP_SERVERS));
            case CHECKPOINT_TRACKER -> List.of(Setting.of(KAFKA_BOOTSTRAP_SERVERS), TOKEN_KEY,
                    // Local copies of the stores: on a volume or emptyDir the deployment chooses.
                    Setting.of(STREAMS_STATE_DIR));
            case UPLOAD_API -> List.of(Setting.of(KAFKA_BOOTSTRAP_SERVERS), Setting.of(REACTIVE_URL), Setting.of(DATABASE_USER),
                    Setting.of(SCHEMA_FILE), TOKEN_KEY);
        };
    }

    /**
     * What a real database adds to {@link #of}: the password of {@link #DATABASE_USER}. The
     * embedded PostgreSQL of the local stack trusts local connections and needs none.
     */
    public static List<String> credentials(RelayService service) {
        return of(service).stream().anyMatch(s -> s.keys().contains(DATABASE_USER)) ? List.of(DATABASE_PASSWORD) : List.of();
    }
}
