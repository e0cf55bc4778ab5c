package io.checkpointrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The node scripts of {@code clients/node/bench}: the stock PowerSync client and the replay
 * server. Each prints its result as one JSON line on stdout; everything else goes to a log file.
 */
final class NodeScripts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path nodeDirectory;
    private final Path logDirectory;

    NodeScripts(Path nodeDirectory, Path logDirectory) {
        this.nodeDirectory = nodeDirectory;
        this.logDirectory = logDirectory;
    }

    /** Fails early, with the command that fixes it, when the SDK is not installed. */
    void requireInstalled() {
        if (!Files.isDirectory(nodeDirectory.resolve("node_modules/@powersync/node"))) {
            throw new IllegalStateException("the stock PowerSync client is not installed: run 'npm ci' in " + nodeDirectory
                    + " (with npm_config_nodedir=/usr where node's headers are there)");
        }
    }

    /** Runs a script to its end and returns its result line. */
    JsonNode run(String script, String logName, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = start(script, logName, args);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String last = null;
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within " + timeoutSeconds + " s; log: " + log(logName));
            }
            if (process.exitValue() != 0 || last == null) {
                throw new IllegalStateException(script + " failed (exit " + process.exitValue() + "); log: " + log(logName));
            }
            return JSON.readTree(last);
        } finally {
            process.destroyForcibly();
        }
    }

    /** A server script: started, its first stdout line (JSON) read; {@link Server#close()} stops it. */
    Server serve(String script, String logName, List<String> args) throws IOException {
        Process process = start(script, logName, args);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " did not start; log: " + log(logName));
        }
        return new Server(process, JSON.readTree(first));
    }

    record Server(Process process, JsonNode started) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private Process start(String script, String logName, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", nodeDirectory.resolve("bench").resolve(script).toString()));
        command.addAll(args);
        Files.createDirectories(logDirectory);
        return new ProcessBuilder(command)
                .directory(nodeDirectory.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log(logName).toFile()))
                .start();
    }

    private Path log(String logName) {
        return logDirectory.resolve(logName + ".log");
    }
}
