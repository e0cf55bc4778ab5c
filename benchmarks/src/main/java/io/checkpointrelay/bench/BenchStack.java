package io.checkpointrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.checkpointrelay.stack.DevSecret;
import io.checkpointrelay.stack.DevTokens;
import io.checkpointrelay.stack.LocalPostgres;
import io.checkpointrelay.stack.Ports;
import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;

/**
 * What one benchmark runs against: a temporary embedded PostgreSQL with the benchmark tables
 * (database {@value #DATABASE}), and the packaged sync-bridge as its own process, started when the
 * benchmark is ready for it. Logs, captures and recordings stay in the run directory.
 */
final class BenchStack implements AutoCloseable {

    static final String DATABASE = "bench";
    /** The bridge's storage schema (its default). */
    static final String STORAGE_SCHEMA = "relay_sync";

    private final RelayHome home;
    private final Path runDirectory;
    private final BenchOptions options;
    private final LocalPostgres postgres;
    private final String secret = DevSecret.generate();
    private final DevTokens tokens = new DevTokens(secret);
    private ServiceProcess bridge;

    private BenchStack(RelayHome home, Path runDirectory, BenchOptions options, LocalPostgres postgres) {
        this.home = home;
        this.runDirectory = runDirectory;
        this.options = options;
        this.postgres = postgres;
    }

    static BenchStack start(RelayHome home, Path runDirectory, BenchOptions options) throws IOException, SQLException {
        Files.createDirectories(runDirectory);
        LocalPostgres postgres = LocalPostgres.startTemporary();
        try {
            postgres.createDatabase(DATABASE);
            postgres.execute(DATABASE, resource("bench/schema.sql"));
            return new BenchStack(home, runDirectory, options, postgres);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /**
     * Starts sync-bridge from its packaged jar with the benchmark rules and waits until it is
     * ready (its initial snapshot stored). With {@code --jfr} it records a JFR profile into the run
     * directory, written when it stops.
     */
    ServiceProcess startBridge(String name) throws IOException, InterruptedException {
        Path jar = options.bridgeJar() != null ? options.bridgeJar() : home.serviceJar(RelayService.SYNC_BRIDGE);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("sync-bridge is not built: " + jar + " is missing (./relay build)");
        }
        Path rules = runDirectory.resolve("sync-rules.yaml");
        Files.writeString(rules, resource("bench/sync-rules.yaml"));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("relay.sync-rules.file", rules.toString());
        config.put("relay.jwt.secret", secret);
        config.put("quarkus.log.category.\"io.checkpointrelay\".level", "INFO");
        List<String> launch = new ArrayList<>(options.bridgeJvmOptions());
        if (options.jfr()) {
            Path recording = runDirectory.resolve(name + ".jfr");
            launch.add("-XX:StartFlightRecording=settings=" + jfrSettings() + ",dumponexit=true,filename=" + recording);
            System.out.println("  recording the bridge with JFR into " + recording + " (summary: jfr view hot-methods " + recording + ")");
        }
        launch.add("-jar");
        launch.add(jar.toString());
        bridge = new ServiceProcess("sync-bridge", launch, config, Ports.free(), runDirectory.resolve(name + ".log"));
        bridge.start(ServiceProcess.DEFAULT_READY_TIMEOUT);
        return bridge;
    }

    /**
     * JFR's profile settings with Java method sampling every millisecond (instead of every 10-20),
     * so a run of a few seconds yields enough samples; the plain profile settings if that fails.
     */
    private String jfrSettings() throws IOException, InterruptedException {
        Path settings = runDirectory.resolve("profile-1ms.jfc");
        Process configure = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "configure",
                "--input", "profile", "method-profiling=max", "--output", settings.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return configure.waitFor() == 0 && Files.isRegularFile(settings) ? settings.toString() : "profile";
    }

    /** Stops the bridge (gracefully, so a JFR recording is written). */
    void stopBridge() throws InterruptedException {
        if (bridge != null) {
            bridge.stop();
            bridge = null;
        }
    }

    ServiceProcess bridge() {
        return bridge;
    }

    Connection connect() throws SQLException {
        return postgres.connect(DATABASE);
    }

    LocalPostgres postgres() {
        return postgres;
    }

    /** A token for {@code userId}, long enough for any benchmark. */
    String token(String userId) {
        return tokens.issue(userId, Duration.ofHours(2));
    }

    Path runDirectory() {
        return runDirectory;
    }

    /** The checkpoint storage holds (0 before the bridge stored anything). */
    static long storedCheckpoint(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
                ResultSet result = sql.executeQuery("SELECT coalesce(max(last_op_id), 0) FROM " + STORAGE_SCHEMA
                        + ".replication_state")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Waits until storage holds checkpoint {@code opId} or later; returns when it saw it (nanoTime). */
    static long awaitStoredCheckpoint(Connection connection, long opId, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (storedCheckpoint(connection) >= opId) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("storage did not reach checkpoint " + opId + " within " + timeout.toSeconds()
                        + " s (it holds " + storedCheckpoint(connection) + ")");
            }
            Thread.sleep(10); // coarse enough to cost PostgreSQL little, fine enough for runs of seconds
        }
    }

    static String resource(String name) {
        try (InputStream in = BenchStack.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopBridge();
        } finally {
            postgres.close();
        }
    }
}
