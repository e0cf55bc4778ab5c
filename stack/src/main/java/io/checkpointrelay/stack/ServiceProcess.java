package io.checkpointrelay.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service running as its own JVM process, the way it runs in production: a packaged Quarkus
 * fast-jar started with the launcher's own {@code java}, configured by {@code -D} system
 * properties, its stdout and stderr appended to a log file. Ready means
 * {@code GET /q/health/ready} answers 200. The port stays the same across {@link #restart()},
 * so clients reconnect to the same address.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Generous: several JVMs start at once on a small, busy machine. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
    private static final int LOG_LINES_ON_FAILURE = 40;
    private static final String RUN_HEADER = "=====";

    private final String name;
    private final List<String> launchArguments;
    private final Map<String, String> config;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    /**
     * @param name            for messages and the log header
     * @param launchArguments what follows {@code java <jvm options> -D...}: {@code -jar <path>} or a class path and main class
     * @param config          system properties for the service, without {@code quarkus.http.port}
     * @param port            the HTTP port, passed as {@code quarkus.http.port}
     * @param logFile         where stdout and stderr are appended
     */
    public ServiceProcess(String name, List<String> launchArguments, Map<String, String> config, int port, Path logFile) {
        this.name = name;
        this.launchArguments = List.copyOf(launchArguments);
        this.config = new LinkedHashMap<>(config);
        this.config.put("quarkus.http.port", Integer.toString(port));
        this.port = port;
        this.logFile = logFile;
    }

    /** A packaged Quarkus service: {@code java -jar <quarkus-run.jar>}. */
    public static ServiceProcess quarkusApp(String name, Path runJar, Map<String, String> config, int port, Path logFile) {
        if (!Files.isRegularFile(runJar)) {
            throw new ServiceStartException(name + " is not built: " + runJar + " is missing. Build it with "
                    + "'./relay build' (or './mvnw -DskipTests install').");
        }
        return new ServiceProcess(name, List.of("-jar", runJar.toString()), config, port, logFile);
    }

    /** The {@code java} of the JDK running this launcher, so services run on the same JDK. */
    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        if (Runtime.version().feature() >= 24) {
            // Netty and friends still use sun.misc.Unsafe; keep JDK 24+ from warning about it on every start.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(launchArguments);
        return command;
    }

    /** Starts the process and waits until it is ready. */
    public void start() throws IOException, InterruptedException {
        start(DEFAULT_READY_TIMEOUT);
    }

    public void start(Duration readyTimeout) throws IOException, InterruptedException {
        launch();
        awaitReady(readyTimeout);
    }

    /** Starts the process without waiting, so several services can boot at once. */
    public synchronized void launch() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        String header = "%n%s %s: starting %s on port %d =====%n".formatted(RUN_HEADER, Instant.now(), name, port);
        Files.writeString(logFile, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200.
     *
     * @throws ServiceStartException when the process exits first or the time is up (the process is then stopped)
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        Process running;
        synchronized (this) {
            running = process;
        }
        if (running == null) {
            throw new IllegalStateException(name + " was not launched");
        }
        HttpRequest probe = HttpRequest.newBuilder(uri().resolve("/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer yet";
        while (true) {
            if (!running.isAlive()) {
                throw failure(name + " exited with code " + running.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode() + " " + response.body().replaceAll("\\s+", " ");
            } catch (IOException e) {
                lastAnswer = e.toString();
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw failure(name + " was not ready within " + timeout.toSeconds() + " s (" + probe.uri() + ": " + lastAnswer + ")");
            }
            Thread.sleep(200);
        }
    }

    private ServiceStartException failure(String what) {
        return new ServiceStartException(what + "\nLog: " + logFile.toAbsolutePath() + "\nLast lines:\n" + logTail(LOG_LINES_ON_FAILURE));
    }

    /** Stops gracefully (SIGTERM, so Quarkus shuts down in order), forcibly after 30 s. */
    public synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(GRACEFUL_STOP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Kills the process at once (SIGKILL), as a crash or an OOM killer would. */
    public synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Stops the service and starts it again on the same port, with the same configuration. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return process.pid();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Whether the process has exited because its port was taken meanwhile: free ports are
     * picked before the process binds them, and outgoing connections draw from the same range.
     */
    public boolean exitedOnPortConflict() {
        if (isAlive()) {
            return false;
        }
        String tail = logTail(200);
        String lastRun = tail.substring(Math.max(0, tail.lastIndexOf(RUN_HEADER + " ")));
        return lastRun.contains("Address already in use") || lastRun.contains("already bound");
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String logTail(int lines) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " on " + uri();
    }
}
