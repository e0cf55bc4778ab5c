package io.checkpointrelay.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository root: where the packaged services and the demo application's files are.
 * Taken from the system property {@code relay.home} (set by the {@code relay} script and by the
 * system tests), otherwise the current directory or one of its parents.
 */
public record RelayHome(Path root) {

    public static final String PROPERTY = "relay.home";
    private static final Path MARKER = Path.of("deploy", "demo", "schema.sql");

    public RelayHome {
        root = root.toAbsolutePath().normalize();
    }

    public static RelayHome find() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured);
            if (!Files.isRegularFile(root.resolve(MARKER))) {
                throw new IllegalStateException(PROPERTY + "=" + configured + " is not the Checkpoint Relay repository: "
                        + MARKER + " is missing there");
            }
            return new RelayHome(root);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return new RelayHome(dir);
            }
        }
        throw new IllegalStateException("Cannot find the Checkpoint Relay repository from " + start
                + ": run from inside it or set -D" + PROPERTY + "=<repository root>");
    }

    /** The demo application's DDL (tables and the checkpoints table), idempotent. */
    public Path demoSchemaSql() {
        return root.resolve("deploy/demo/schema.sql");
    }

    /** The demo application's table schema for upload-api and write-applier. */
    public Path demoAppSchema() {
        return root.resolve("deploy/demo/app-schema.yaml");
    }

    /** The demo application's sync rules for sync-bridge. */
    public Path demoSyncRules() {
        return root.resolve("deploy/demo/sync-rules.yaml");
    }

    /** The packaged fast-jar of a service. */
    public Path serviceJar(RelayService service) {
        return root.resolve("services").resolve(service.moduleName()).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
