package io.checkpointrelay.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The stock PowerSync Node SDK pinned in {@code clients/node} (package.json and package-lock.json)
 * and the interop scripts there. {@link #install} runs {@code npm ci} once per lockfile and Node.js
 * version (better-sqlite3 is a native module built for one Node ABI); {@link #test} runs one
 * {@code node:test} script, its output going to the build log and a file.
 */
final class NodeClients {

    /** 20.14 brought {@code --test-force-exit}: a test that times out must not leave the SDK's workers running. */
    static final Runtime.Version MINIMUM_NODE = Runtime.Version.parse("20.14");
    /** Compiling SQLite (when no prebuilt better-sqlite3 can be downloaded) took 2 to 4 minutes on a busy two-core machine. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    /** Written into node_modules after a successful npm ci: what it was installed for. */
    private static final String INSTALLED_MARKER = ".relay-installed";
    private static final int OUTPUT_LINES_ON_FAILURE = 150;

    private final Path directory;

    private NodeClients(Path directory) {
        this.directory = directory;
    }

    /**
     * Checks that Node.js ({@link #MINIMUM_NODE} or newer) and npm are on PATH, then installs the
     * locked packages unless node_modules already holds them for this Node version.
     *
     * @throws IllegalStateException when node or npm is missing or too old
     * @throws AssertionError         when npm ci fails, with the end of its output
     */
    static NodeClients install(Path directory, Path log) throws IOException, InterruptedException {
        List<String> node = probe(List.of("node", "-p", "process.versions.node + ' ' + process.execPath"));
        String[] versionAndPath = node.getFirst().split(" ", 2);
        if (Runtime.Version.parse(versionAndPath[0]).compareToIgnoreOptional(MINIMUM_NODE) < 0) {
            throw new IllegalStateException("The stock client interop tests need Node.js " + MINIMUM_NODE
                    + " or newer, found " + versionAndPath[0] + " at " + versionAndPath[1]);
        }
        probe(List.of("npm", "--version"));

        String installedFor = sha256(directory.resolve("package-lock.json")) + " node " + versionAndPath[0];
        Path marker = directory.resolve("node_modules").resolve(INSTALLED_MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(installedFor)) {
            return new NodeClients(directory);
        }
        ProcessBuilder npmCi = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(directory.toFile());
        // When better-sqlite3 finds no prebuilt binary it compiles against the running Node's own
        // headers (installations ship them in <prefix>/include/node) instead of downloading them.
        Path prefix = Path.of(versionAndPath[1]).toRealPath().getParent().getParent();
        if (!npmCi.environment().containsKey("npm_config_nodedir") && Files.isRegularFile(prefix.resolve("include/node/node_api.h"))) {
            npmCi.environment().put("npm_config_nodedir", prefix.toString());
        }
        run(npmCi, "npm ci", INSTALL_TIMEOUT, log);
        Files.writeString(marker, installedFor);
        return new NodeClients(directory);
    }

    /** The interop scripts, {@code clients/node/interop/*.test.mjs}, sorted. */
    List<Path> interopScripts() throws IOException {
        try (Stream<Path> files = Files.list(directory.resolve("interop"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted().toList();
        }
    }

    /**
     * Runs {@code node --test <script>} with {@code environment} added to this JVM's.
     *
     * @throws AssertionError with the end of the output when a test fails or time runs out
     */
    void test(Path script, Map<String, String> environment, Duration timeout, Path log) throws IOException, InterruptedException {
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-force-exit", "--test-reporter=spec",
                directory.relativize(script).toString()).directory(directory.toFile());
        node.environment().putAll(environment);
        run(node, script.getFileName().toString(), timeout, log);
    }

    /** Runs a command, its output teed to stdout (prefixed) and {@code log}. */
    private static void run(ProcessBuilder command, String name, Duration timeout, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = command.redirectErrorStream(true).start();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
                    PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println("[" + name + "] " + line);
                    file.println(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > OUTPUT_LINES_ON_FAILURE) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                System.out.println("[" + name + "] output lost: " + e);
            }
        });
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        pump.join(Duration.ofSeconds(10));
        if (!finished || process.exitValue() != 0) {
            String outcome = finished ? "failed (exit code " + process.exitValue() + ")" : "did not finish within " + timeout.toSeconds() + " s";
            synchronized (tail) {
                throw new AssertionError(name + " " + outcome + "; full output in " + log.toAbsolutePath() + ", its end:\n"
                        + String.join("\n", tail));
            }
        }
    }

    /** The output lines of a quick command; a clear failure when the program is not installed. */
    private static List<String> probe(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("The stock client interop tests drive the PowerSync Node SDK and need Node.js "
                    + MINIMUM_NODE + "+ with npm on PATH, but '" + command.getFirst() + "' cannot be run (" + e.getMessage()
                    + "). Install Node.js " + MINIMUM_NODE + " or newer.", e);
        }
        List<String> output;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            output = out.lines().toList();
        }
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0 || output.isEmpty()) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed: " + String.join("\n", output));
        }
        return output;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
