package io.checkpointrelay.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.checkpointrelay.protocol.Topics;

/**
 * The whole relay on one machine: PostgreSQL (database {@value #DATABASE} with the demo schema),
 * Kafka (topic {@code relay.uploads}), a development JWT secret, and write-applier, sync-bridge
 * and upload-api as separate processes from their packaged jars. With a data directory
 * everything persists across runs (the demo, {@code relay up}); without one it all lives in a
 * temporary directory deleted on {@link #close()} (system tests).
 *
 * <p>Kafka and PostgreSQL come from an {@link Infrastructure}: the embedded ones by default (always
 * for {@code relay demo} and {@code relay up}), containers when a test selects them.
 *
 * <p>Layout of the data directory: {@code postgres/}, {@code kafka/}, {@code logs/} (one file
 * per service), {@code dev-jwt-secret}, and {@code .lock}, which keeps two stacks off one directory.
 */
public final class LocalStack implements AutoCloseable {

    public static final String DATABASE = "app";
    public static final int UPLOAD_PARTITIONS = 4;
    private static final int POSTGRES_DEFAULT_PORT = 5432;

    private final RelayHome home;
    private final Path dataDirectory;
    private final boolean temporary;
    private final Path logDirectory;
    private final StartupListener listener;
    private final boolean preferDefaultPorts;
    private final int kafkaBrokers;
    private final Map<RelayService, Map<String, String>> configOverrides;
    private final Map<RelayService, ServiceProcess> services = new EnumMap<>(RelayService.class);
    private final List<ServiceProcess> extraInstances = new ArrayList<>();
    private final Infrastructure infrastructure;
    private FileChannel lockChannel;
    private FileLock lock;
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private String jwtSecret;
    private DevTokens tokens;
    private Thread shutdownHook;
    private boolean closed;

    private LocalStack(Builder builder, Path dataDirectory, boolean temporary) {
        this.home = builder.home != null ? builder.home : RelayHome.find();
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.temporary = temporary;
        this.logDirectory = builder.logDirectory != null ? builder.logDirectory.toAbsolutePath() : this.dataDirectory.resolve("logs");
        this.listener = builder.listener;
        this.preferDefaultPorts = builder.preferDefaultPorts;
        this.kafkaBrokers = builder.kafkaBrokers;
        this.configOverrides = builder.configOverrides;
        this.infrastructure = builder.infrastructure;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private RelayHome home;
        private Path dataDirectory;
        private Path logDirectory;
        private StartupListener listener = StartupListener.SILENT;
        private boolean preferDefaultPorts;
        private int kafkaBrokers = 1;
        private Infrastructure infrastructure = Infrastructure.EMBEDDED;
        private final Map<RelayService, Map<String, String>> configOverrides = new EnumMap<>(RelayService.class);

        private Builder() {
        }

        /**
         * How many Kafka brokers: 1 by default (fastest start); 3 for a cluster that loses a
         * broker without losing an acknowledged write (topics replicated 3 times, min.insync.replicas=2),
         * see {@link LocalKafka#start(Path, int)}. A data directory must always be used with the same number.
         */
        public Builder kafkaBrokers(int kafkaBrokers) {
            if (kafkaBrokers < 1) {
                throw new IllegalArgumentException("at least one Kafka broker, got " + kafkaBrokers);
            }
            this.kafkaBrokers = kafkaBrokers;
            return this;
        }

        /** The repository with the packaged services; {@link RelayHome#find()} by default. */
        public Builder home(RelayHome home) {
            this.home = home;
            return this;
        }

        /** Where everything persists; without one, a temporary directory deleted on close. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Where the service logs go; {@code <data directory>/logs} by default. Tests keep them under target/. */
        public Builder logDirectory(Path logDirectory) {
            this.logDirectory = logDirectory;
            return this;
        }

        public Builder listener(StartupListener listener) {
            this.listener = listener;
            return this;
        }

        /** Use the default ports (services 8080-8082, PostgreSQL 5432) when free: for a stack people point apps at, never for tests. */
        public Builder preferDefaultPorts(boolean preferDefaultPorts) {
            this.preferDefaultPorts = preferDefaultPorts;
            return this;
        }

        /** Where Kafka and PostgreSQL come from: {@link Infrastructure#EMBEDDED} by default; tests pass {@link TestInfrastructure#selected()}. */
        public Builder infrastructure(Infrastructure infrastructure) {
            this.infrastructure = infrastructure;
            return this;
        }

        /** An extra system property for one service, over the stack's own. */
        public Builder config(RelayService service, String key, String value) {
            configOverrides.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public LocalStack start() throws Exception {
            boolean temporary = dataDirectory == null;
            Path directory = temporary ? Files.createTempDirectory("relay-stack-") : dataDirectory;
            LocalStack stack = new LocalStack(this, directory, temporary);
            stack.start();
            return stack;
        }
    }

    private void start() throws Exception {
        for (RelayService service : RelayService.values()) {
            if (!Files.isRegularFile(home.serviceJar(service))) {
                throw new ServiceStartException(service.moduleName() + " is not built: " + home.serviceJar(service)
                        + " is missing. Build with './relay build' (or './mvnw -DskipTests install').");
            }
        }
        Files.createDirectories(dataDirectory);
        lock();
        shutdownHook = new Thread(this::close, "relay-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            startPostgres();
            startKafka();
            jwtSecret = temporary ? DevSecret.generate() : DevSecret.loadOrCreate(dataDirectory.resolve("dev-jwt-secret"));
            tokens = new DevTokens(jwtSecret);
            startServices();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    private void lock() throws IOException {
        lockChannel = FileChannel.open(dataDirectory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("Another relay stack is using " + dataDirectory
                    + " (is './relay up' running?). Stop it or choose another --data-dir.");
        }
    }

    private void startPostgres() throws Exception {
        long started = System.nanoTime();
        listener.starting("postgres", where("postgres"));
        int port = preferDefaultPorts ? Ports.preferred(POSTGRES_DEFAULT_PORT) : Ports.free();
        postgres = infrastructure.startPostgres(dataDirectory.resolve("postgres"), port);
        postgres.createDatabase(DATABASE);
        postgres.execute(DATABASE, Files.readString(home.demoSchemaSql()));
        listener.ready("postgres", postgres.jdbcUrl(DATABASE), since(started));
    }

    private void startKafka() throws Exception {
        long started = System.nanoTime();
        listener.starting("kafka", where("kafka"));
        kafka = infrastructure.startKafka(dataDirectory.resolve("kafka"), kafkaBrokers);
        // Every topic the relay uses, replicated as the cluster allows (KafkaBroker.createTopic).
        kafka.createTopic(Topics.UPLOADS, UPLOAD_PARTITIONS);
        kafka.createTopic(Topics.DEAD_LETTERS, UPLOAD_PARTITIONS);
        kafka.createTopic(Topics.CHECKPOINT_EVENTS, UPLOAD_PARTITIONS);
        kafka.createTopic(Topics.CHECKPOINT_ALERTS, UPLOAD_PARTITIONS);
        kafka.createTopic(Topics.TRACKER_CLIENTS, UPLOAD_PARTITIONS, Map.of("cleanup.policy", "compact"));
        listener.ready("kafka", kafka.bootstrapServers() + ", topics " + String.join(", ", Topics.UPLOADS, Topics.DEAD_LETTERS,
                Topics.CHECKPOINT_EVENTS, Topics.CHECKPOINT_ALERTS, Topics.TRACKER_CLIENTS) + " (" + UPLOAD_PARTITIONS + " partitions"
                + (kafkaBrokers > 1 ? ", " + kafkaBrokers + " brokers, replication factor " + kafka.replicationFactor() : "") + ")",
                since(started));
    }

    private String where(String server) {
        return infrastructure == Infrastructure.EMBEDDED
                ? "data in " + dataDirectory.resolve(server)
                : "in a container (" + infrastructure.name() + ")";
    }

    /** Launches all three at once (each is its own JVM), then waits for each to be ready. */
    private void startServices() throws IOException, InterruptedException {
        Map<RelayService, Long> launched = new EnumMap<>(RelayService.class);
        for (RelayService service : RelayService.values()) {
            launched.put(service, System.nanoTime());
            launch(service, preferDefaultPorts ? Ports.preferred(service.defaultPort()) : Ports.free());
        }
        for (RelayService service : RelayService.values()) {
            for (int attempt = 1; ; attempt++) {
                ServiceProcess process = services.get(service);
                try {
                    process.awaitReady(ServiceProcess.DEFAULT_READY_TIMEOUT);
                    listener.ready(service.moduleName(), process.uri().toString(), since(launched.get(service)));
                    break;
                } catch (ServiceStartException e) {
                    if (attempt == 3 || !process.exitedOnPortConflict()) {
                        throw e;
                    }
                    launch(service, Ports.free());
                }
            }
        }
    }

    private void launch(RelayService service, int port) throws IOException {
        ServiceProcess process = ServiceProcess.quarkusApp(service.moduleName(), home.serviceJar(service), config(service), port,
                logDirectory.resolve(service.moduleName() + ".log"));
        services.put(service, process);
        listener.starting(service.moduleName(), "port " + port + ", log " + process.logFile());
        process.launch();
    }

    /** The configuration of each service: a local value for every key {@link DeploymentSettings} names. */
    private Map<String, String> config(RelayService service) {
        Map<String, String> config = new LinkedHashMap<>();
        for (DeploymentSettings.Setting setting : DeploymentSettings.of(service)) {
            config.put(setting.key(), setting.value().orElseGet(() -> localValue(setting.key())));
        }
        config.putAll(configOverrides.getOrDefault(service, Map.of()));
        return config;
    }

    private String localValue(String key) {
        return switch (key) {
            case DeploymentSettings.KAFKA_BOOTSTRAP_SERVERS -> kafka.bootstrapServers();
            // upload-api keeps the greatest checkpoint request id per (user, client) in the application database.
            case DeploymentSettings.REACTIVE_URL -> postgres.reactiveUrl(DATABASE);
            case DeploymentSettings.JDBC_URL -> postgres.jdbcUrl(DATABASE);
            case DeploymentSettings.DATABASE_USER -> postgres.user();
            case DeploymentSettings.SCHEMA_FILE -> home.demoAppSchema().toString();
            case DeploymentSettings.SYNC_RULES_FILE -> home.demoSyncRules().toString();
            case DeploymentSettings.JWT_SECRET -> jwtSecret;
            // The tracker's local state is a cache of Kafka's changelogs; keep it with the stack's data.
            case DeploymentSettings.STREAMS_STATE_DIR -> dataDirectory.resolve("tracker-state").toString();
            default -> throw new IllegalStateException("The local stack has no value for " + key);
        };
    }

    public ServiceProcess service(RelayService service) {
        return services.get(service);
    }

    /**
     * Starts one more instance of a service with the same configuration on a free port (for
     * scale-out tests: several write-appliers in one consumer group, say) and waits until it is
     * ready. It is stopped with the stack.
     */
    public synchronized ServiceProcess startExtraInstance(RelayService service) throws IOException, InterruptedException {
        int instance = 2 + (int) extraInstances.stream().filter(p -> p.name().startsWith(service.moduleName())).count();
        String name = service.moduleName() + "-" + instance;
        Map<String, String> config = config(service);
        if (service == RelayService.CHECKPOINT_TRACKER) {
            // Kafka Streams keeps its process id and its task directories in the state directory:
            // two instances sharing one would look like one member to the group and corrupt each other's stores.
            config.put("kafka-streams.state.dir", dataDirectory.resolve("tracker-state-" + instance).toString());
        }
        ServiceProcess process = ServiceProcess.quarkusApp(name, home.serviceJar(service), config, Ports.free(),
                logDirectory.resolve(name + ".log"));
        extraInstances.add(process);
        listener.starting(name, "port " + process.uri().getPort() + ", log " + process.logFile());
        long started = System.nanoTime();
        process.launch();
        process.awaitReady(ServiceProcess.DEFAULT_READY_TIMEOUT);
        listener.ready(name, process.uri().toString(), since(started));
        return process;
    }

    public URI uploadApiUri() {
        return services.get(RelayService.UPLOAD_API).uri();
    }

    public URI syncUri() {
        return services.get(RelayService.SYNC_BRIDGE).uri();
    }

    public URI trackerUri() {
        return services.get(RelayService.CHECKPOINT_TRACKER).uri();
    }

    public URI writeApplierUri() {
        return services.get(RelayService.WRITE_APPLIER).uri();
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** Issues development tokens the services accept. */
    public DevTokens tokens() {
        return tokens;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    public RelayHome home() {
        return home;
    }

    /** The stack's endpoints as environment variables for an app or a shell, with a ready-made token. */
    public Map<String, String> environment(String devToken) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UPLOAD_API_URL", uploadApiUri().toString());
        env.put("SYNC_URL", syncUri().toString());
        env.put("WRITE_APPLIER_URL", writeApplierUri().toString());
        env.put("TRACKER_URL", trackerUri().toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("POSTGRES_JDBC_URL", postgres.jdbcUrl(DATABASE));
        env.put("POSTGRES_USER", postgres.user());
        env.put("RELAY_JWT_SECRET", jwtSecret);
        env.put("RELAY_JWT_AUDIENCE", DevTokens.DEFAULT_AUDIENCE);
        env.put("RELAY_DEV_TOKEN", devToken);
        env.put("RELAY_DATA_DIR", dataDirectory.toString());
        return env;
    }

    /** Whether {@link #close()} has begun: services going down then are expected. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops the services (upload-api first, so nothing new is accepted), then Kafka and PostgreSQL. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Exception> problems = new ArrayList<>();
        for (ServiceProcess extra : extraInstances) {
            try {
                extra.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(e);
            }
        }
        List<RelayService> order = new ArrayList<>(services.keySet());
        Collections.reverse(order);
        for (RelayService service : order) {
            ServiceProcess process = services.get(service);
            if (process.isAlive()) {
                listener.stopping(service.moduleName());
            }
            try {
                process.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(e);
            }
        }
        if (kafka != null) {
            listener.stopping("kafka");
            run(kafka::close, problems);
        }
        if (postgres != null) {
            listener.stopping("postgres");
            run(postgres::close, problems);
        }
        if (temporary) {
            run(() -> Directories.deleteRecursively(dataDirectory), problems);
        }
        run(() -> {
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
        }, problems);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down.
            }
        }
        if (!problems.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("Stopping the stack failed: " + problems.getFirst());
            problems.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Step step, List<Exception> problems) {
        try {
            step.run();
        } catch (Exception e) {
            problems.add(e);
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
