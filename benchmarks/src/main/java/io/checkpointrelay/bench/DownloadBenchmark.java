package io.checkpointrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.client.SyncStreamClient;

/**
 * Initial download of one user's rows (one bucket) to a client that holds nothing. The stock
 * client ({@code @powersync/node}, a node process) is timed from {@code connect()} to its first
 * complete sync against the bridge, and against a replay server that sends the bridge's own
 * recorded answer from memory: the client's ceiling when the server costs nothing, as NDJSON and
 * as BSON. The Java protocol client's rate against the bridge is the bridge's own speed with a
 * cheap client.
 */
final class DownloadBenchmark {

    static final String NAME = "download";
    private static final String USER = "reader";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final RelayHome home;
    private final BenchOptions options;
    private final Figures figures;

    DownloadBenchmark(RelayHome home, BenchOptions options, Figures figures) {
        this.home = home;
        this.options = options;
        this.figures = figures;
    }

    void run(Path runDirectory) throws Exception {
        long rows = options.rows();
        Path directory = runDirectory.resolve(NAME);
        NodeScripts node = new NodeScripts(options.nodeDirectory(), directory);
        node.requireInstalled();
        try (BenchStack stack = BenchStack.start(home, directory, options)) {
            try (Connection source = stack.connect()) {
                SmallRows.insert(source, "items", 1, 0, rows, SmallRows.Owners.single(USER));
            }
            ServiceProcess bridge = stack.startBridge("download-bridge");
            long checkpoint;
            try (Connection storage = stack.connect()) {
                checkpoint = BenchStack.storedCheckpoint(storage);
            }
            String token = stack.token(USER);

            StreamCapture capture = StreamCapture.record(bridge.uri(), token, TIMEOUT);
            Path ndjson = directory.resolve("capture.ndjson");
            Path bson = directory.resolve("capture.bson");
            Files.write(capture.bson() ? bson : ndjson, capture.body());
            String bridgeFormat = capture.bson() ? "BSON" : "NDJSON";
            System.out.printf(Locale.ROOT, "  the bridge answered %s: %,d bytes up to checkpoint_complete (checkpoint %d)%n",
                    bridgeFormat, capture.body().length, checkpoint);

            List<Double> java = new ArrayList<>();
            List<Double> stock = new ArrayList<>();
            List<Double> ceilingNdjson = new ArrayList<>();
            List<Double> ceilingBson = new ArrayList<>();
            for (int run = 1; run <= options.runs(); run++) {
                java.add(javaClient(bridge, token, checkpoint, rows, run));
                figures.rate(NAME, "Java protocol client <- bridge, run " + run, java.getLast(), "ops/s",
                        "SyncStreamClient, connect to checkpoint applied (" + bridgeFormat + ")");

                // The replay server converts the recorded NDJSON to BSON when the bridge did not answer BSON.
                Path recorded = capture.bson() ? bson : ndjson;
                ceilingNdjson.add(capture.bson() ? Double.NaN : replay(node, recorded, "ndjson", rows, directory, run));
                if (!capture.bson()) {
                    figures.rate(NAME, "stock client ceiling (replayed NDJSON), run " + run, ceilingNdjson.getLast(), "ops/s",
                            "server sends the bridge's recorded answer from memory");
                }
                ceilingBson.add(replay(node, recorded, "bson", rows, directory, run));
                figures.rate(NAME, "stock client ceiling (replayed BSON), run " + run, ceilingBson.getLast(), "ops/s",
                        capture.bson() ? "the bridge's recorded BSON" : "the bridge's NDJSON lines re-encoded as BSON");

                JsonNode result = stockClient(node, bridge.uri().toString(), token, rows, directory, "bridge-" + run);
                stock.add(result.get("opsPerSecond").asDouble());
                figures.rate(NAME, "stock client <- bridge, run " + run, stock.getLast(), "ops/s",
                        "@powersync/node 1.1.0, connect() to first sync (" + result.get("format").asText() + ")");
            }
            double ceiling = ReplicationBenchmark.median(capture.bson() ? ceilingBson : ceilingNdjson);
            double achieved = ReplicationBenchmark.median(stock);
            if (options.runs() > 1) {
                figures.rate(NAME, "Java protocol client <- bridge, median", ReplicationBenchmark.median(java), "ops/s", null);
                if (!capture.bson()) {
                    figures.rate(NAME, "stock client ceiling (NDJSON), median", ReplicationBenchmark.median(ceilingNdjson), "ops/s", null);
                }
                figures.rate(NAME, "stock client ceiling (BSON), median", ReplicationBenchmark.median(ceilingBson), "ops/s", null);
                figures.rate(NAME, "stock client <- bridge, median", achieved, "ops/s", null);
            }
            figures.ratio(NAME, "stock client <- bridge / ceiling (" + bridgeFormat + ")", achieved / ceiling, 0.8);
        }
    }

    /** Ops per second of a fresh Java protocol client, from connect to the checkpoint applied. */
    private double javaClient(ServiceProcess bridge, String token, long checkpoint, long rows, int run) throws Exception {
        long started = System.nanoTime();
        try (SyncStreamClient client = new SyncStreamClient(bridge.uri(), token, "java-" + run)) {
            client.connect();
            client.awaitCheckpoint(applied -> applied.lastOpId() >= checkpoint, "checkpoint " + checkpoint, TIMEOUT);
            long elapsed = System.nanoTime() - started;
            int synced = client.rows().size();
            if (synced != rows || !client.failures().isEmpty()) {
                throw new IllegalStateException("the Java client synced " + synced + " rows, expected " + rows + "; "
                        + client.describe());
            }
            return Figures.perSecond(rows, elapsed);
        }
    }

    private double replay(NodeScripts node, Path recorded, String format, long rows, Path directory, int run) throws Exception {
        try (NodeScripts.Server server = node.serve("replay-server.mjs", "replay-" + format,
                List.of("--file", recorded.toString(), "--format", format))) {
            String url = "http://127.0.0.1:" + server.started().get("port").asInt();
            return stockClient(node, url, "replayed", rows, directory, "replay-" + format + "-" + run).get("opsPerSecond").asDouble();
        }
    }

    private static JsonNode stockClient(NodeScripts node, String url, String token, long rows, Path directory, String name)
            throws Exception {
        Path db = directory.resolve("clients");
        Files.createDirectories(db);
        JsonNode result = node.run("download.mjs", "client-" + name, List.of("--url", url, "--token", token,
                "--dir", db.toString(), "--db", name + ".db", "--rows", Long.toString(rows)), TIMEOUT.toSeconds());
        if (result.get("rows").asLong() != rows) {
            throw new IllegalStateException("the stock client synced " + result.get("rows") + " rows from " + url + ", expected " + rows);
        }
        return result;
    }
}
