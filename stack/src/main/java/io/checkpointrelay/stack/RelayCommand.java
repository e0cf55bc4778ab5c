package io.checkpointrelay.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import io.checkpointrelay.stack.demo.Demo;
import io.checkpointrelay.stack.demo.DemoTarget;

/**
 * The {@code relay} command line (run through the {@code relay} script):
 * <ul>
 * <li>{@code demo}: start the stack, play two users on three devices, stop ({@code --remote}: play
 * against a relay that is already running, named by {@link DemoTarget#fromEnvironment environment
 * variables}: docker compose's {@code demo} profile, or a stack {@code up} runs);</li>
 * <li>{@code up}: start the stack and keep it running until Ctrl-C, printing endpoints and a
 * development token ({@code --env}: only {@code KEY=value} lines on stdout);</li>
 * <li>{@code env}: print the {@code KEY=value} lines of a stack {@code up} is running.</li>
 * </ul>
 * Data (PostgreSQL, Kafka, the JWT secret, logs) lives in {@code --data-dir}, else
 * {@code $RELAY_DATA_DIR}, else {@code .relay/} in the repository.
 */
public final class RelayCommand {

    private static final String USAGE = """
            Usage: relay <command> [options]

              demo                 start the stack, let alice and bob write and sync, stop
              demo --remote        the same against a running relay named by UPLOAD_API_URL, SYNC_URL,
                                   TRACKER_URL, POSTGRES_JDBC_URL, POSTGRES_USER, POSTGRES_PASSWORD,
                                   RELAY_JWT_SECRET (e.g. after eval "$(./relay env)")
              up                   start the stack and keep it running until Ctrl-C
              env                  print KEY=value lines of the stack 'up' is running
              build, test          (script only) build everything; build and run every test

            Options:
              --data-dir DIR       where PostgreSQL, Kafka, the dev JWT secret and logs live
                                   (default: $RELAY_DATA_DIR, else .relay/ in the repository)
              --env                (up) print only KEY=value lines on stdout, progress on stderr
              --user NAME          (up) the user of the printed development token (default: dev)
            """;
    private static final Duration DEV_TOKEN_LIFETIME = Duration.ofHours(12);

    private final RelayHome home;
    private final Path dataDirectory;
    private final List<String> flags;
    private final String user;

    private RelayCommand(RelayHome home, Path dataDirectory, List<String> flags, String user) {
        this.home = home;
        this.dataDirectory = dataDirectory;
        this.flags = flags;
        this.user = user;
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Exception e) {
            System.err.println("relay: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            System.exit(1);
        }
    }

    private static int run(String[] args) throws Exception {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        String dataDir = System.getenv("RELAY_DATA_DIR");
        String user = "dev";
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = value(args, ++i, "--data-dir");
                case "--user" -> user = value(args, ++i, "--user");
                case "--env", "--remote" -> flags.add(args[i]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + USAGE);
            }
        }
        boolean remote = flags.contains("--remote");
        // Against a running relay the repository is optional: a container holds only the launcher.
        RelayHome home = remote ? findHome().orElse(null) : RelayHome.find();
        Path data = dataDir != null && !dataDir.isBlank() ? Path.of(dataDir).toAbsolutePath()
                : home != null ? home.root().resolve(".relay") : Path.of(".relay").toAbsolutePath();
        RelayCommand relay = new RelayCommand(home, data, flags, user);
        return switch (command) {
            case "demo" -> remote ? relay.remoteDemo() : relay.demo();
            case "up" -> relay.up();
            case "env" -> relay.env();
            default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
        };
    }

    private static Optional<RelayHome> findHome() {
        try {
            return Optional.of(RelayHome.find());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /**
     * Sends the launcher's own logging (Kafka, PostgreSQL's server output) to a file: the console
     * is for progress. Must run before the first logger is created.
     */
    private Path logToFile() throws IOException {
        Path logs = dataDirectory.resolve("logs");
        Files.createDirectories(logs);
        Path file = logs.resolve("stack.log");
        System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        // Kafka logs every config at INFO; its warnings are what matters here.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "warn");
        return file;
    }

    private LocalStack startStack(ConsoleProgress progress, boolean defaultPorts) throws Exception {
        Path launcherLog = logToFile();
        progress.note("data directory " + dataDirectory + " (logs in " + launcherLog.getParent() + ")");
        LocalStack stack = LocalStack.builder()
                .home(home)
                .dataDirectory(dataDirectory)
                .listener(progress)
                .preferDefaultPorts(defaultPorts)
                .start();
        progress.note("stack ready");
        return stack;
    }

    private int demo() throws Exception {
        PrintStream out = System.out;
        ConsoleProgress progress = new ConsoleProgress(out);
        try (LocalStack stack = startStack(progress, false)) {
            new Demo(stack, out).run();
            out.println();
            progress.note("demo done; stopping the stack");
        }
        out.printf("%nData kept in %s: run the demo again to continue from here. Logs: %s%n", dataDirectory,
                dataDirectory.resolve("logs"));
        return 0;
    }

    /** The demo against a relay that is already running (docker compose, 'relay up'), named by environment variables. */
    private int remoteDemo() throws Exception {
        PrintStream out = System.out;
        DemoTarget target = DemoTarget.fromEnvironment(System.getenv(), dataDirectory);
        out.printf("Playing the demo against upload-api %s, sync-bridge %s, checkpoint-tracker %s%n", target.uploadApi(),
                target.sync(), target.tracker());
        new Demo(target, out).run();
        out.printf("%nDemo devices kept in %s: run the demo again to continue from here.%n", dataDirectory);
        return 0;
    }

    private int up() throws Exception {
        boolean envOnly = flags.contains("--env");
        PrintStream out = System.out;
        ConsoleProgress progress = new ConsoleProgress(envOnly ? System.err : out);
        LocalStack stack;
        if (envOnly) {
            // Kafka's storage formatter prints to System.out: keep stdout for the KEY=value lines alone.
            System.setOut(System.err);
            try {
                stack = startStack(progress, true);
            } finally {
                System.setOut(out);
            }
        } else {
            stack = startStack(progress, true);
        }
        Path envFile = dataDirectory.resolve("stack.env");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(envFile);
            } catch (IOException e) {
                // Best effort: 'relay env' also checks that a stack holds the data directory.
            }
            stack.close();
        }, "relay-up-shutdown"));
        String token = stack.tokens().issue(user, DEV_TOKEN_LIFETIME);
        Map<String, String> env = stack.environment(token);
        String envText = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(envFile, envText);
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        if (envOnly) {
            out.print(envText);
            out.flush();
        } else {
            out.print(welcome(env));
        }
        progress.note("running; Ctrl-C stops everything");
        watch(stack, progress);
        return 0;
    }

    /** Reports a service that dies while the stack is up, instead of leaving the user to guess. */
    private static void watch(LocalStack stack, ConsoleProgress progress) throws InterruptedException {
        List<RelayService> down = new ArrayList<>();
        while (true) {
            Thread.sleep(2000);
            if (stack.isClosed()) {
                continue;
            }
            for (RelayService service : RelayService.values()) {
                ServiceProcess process = stack.service(service);
                if (!process.isAlive() && !down.contains(service)) {
                    down.add(service);
                    progress.note(service.moduleName() + " exited; last lines of " + process.logFile() + ":\n" + process.logTail(15));
                }
            }
        }
    }

    private String welcome(Map<String, String> env) {
        String list = UUID.randomUUID().toString();
        return """

                Endpoints
                  upload-api     %s   (POST /api/data, OpenAPI at /q/openapi)
                  sync-bridge    %s   (POST /sync/stream)
                  write-applier  %s   (health and metrics only)
                  checkpoint-tracker %s   (GET /clients/stuck, /clients/{user}/{client}; role relay-operator)
                  kafka          %s
                  postgres       %s   (user postgres, no password)

                Development token for user '%s' (valid %d h; signed with the secret in %s):
                  %s

                Try it (export the variables with: eval "$(./relay env)"):
                  curl -s -X POST %s/api/data -H "Authorization: Token $RELAY_DEV_TOKEN" \\
                    -H 'Content-Type: application/json' \\
                    -d '{"client_id":"my-device","checkpoint_request_id":"1","batch":[{"op":"PUT","type":"lists","id":"%s","op_id":1,"tx_id":1,"data":{"created_at":"2025-01-01T00:00:00Z","name":"Groceries","owner_id":"%s"}}]}'
                  curl -sN -X POST %s/sync/stream -H "Authorization: Token $RELAY_DEV_TOKEN" \\
                    -H 'Content-Type: application/json' -d '{"client_id":"my-device","buckets":[],"raw_data":true,"include_checksum":true}'

                """.formatted(env.get("UPLOAD_API_URL"), env.get("SYNC_URL"), env.get("WRITE_APPLIER_URL"), env.get("TRACKER_URL"),
                env.get("KAFKA_BOOTSTRAP_SERVERS"), env.get("POSTGRES_JDBC_URL"), user, DEV_TOKEN_LIFETIME.toHours(),
                dataDirectory.resolve("dev-jwt-secret"), env.get("RELAY_DEV_TOKEN"), env.get("UPLOAD_API_URL"), list, user,
                env.get("SYNC_URL"));
    }

    private int env() throws IOException {
        Path envFile = dataDirectory.resolve("stack.env");
        if (!Files.isRegularFile(envFile) || !stackRunning()) {
            System.err.println("relay: no stack is running on " + dataDirectory + "; start one with './relay up'");
            return 1;
        }
        System.out.print(Files.readString(envFile));
        return 0;
    }

    /** A running stack holds the lock on its data directory. */
    private boolean stackRunning() throws IOException {
        Path lockFile = dataDirectory.resolve(".lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }
}
