package io.checkpointrelay.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code relay bench}.
 *
 * @param rows             rows per measured insert or download
 * @param warmupRows       rows inserted (and replicated) before the replication measurement
 * @param runs             how often each measurement is repeated; ratios compare the medians
 * @param streamCounts     idle stream counts, opened cumulatively on one bridge
 * @param jfr              record the bridge with JFR (profile settings) into the run directory
 * @param bridgeJvmOptions extra JVM options of the bridge process
 * @param bridgeJar        the bridge's quarkus-run.jar; null: the one built in the repository
 * @param nodeDirectory    clients/node (holds node_modules and bench/)
 * @param uploads          the settings of the write-path benchmark
 * @param tracker          the settings of the lifecycle events benchmark
 */
record BenchOptions(long rows, long warmupRows, int runs, List<Integer> streamCounts, boolean jfr, List<String> bridgeJvmOptions,
        Path bridgeJar, Path nodeDirectory, Uploads uploads, Tracker tracker) {

    /**
     * Settings of {@code relay bench uploads}.
     *
     * @param warmupSeconds  load before each measured window
     * @param seconds        each measured window
     * @param clients        clients uploading at once for the sustained rate and the latency
     * @param batchSizes     CRUD entries per upload, one measurement each
     * @param rate           uploads per second for the latency; 0: half the sustained rate measured before
     * @param streamClients  clients that each hold a sync stream and upload, for the write checkpoint latency
     * @param streamRate     uploads per second of all stream clients together; 0: the fixed rate of the first batch size
     */
    record Uploads(int warmupSeconds, int seconds, int clients, List<Integer> batchSizes, double rate, int streamClients,
            double streamRate) {
    }

    /**
     * Settings of {@code relay bench tracker}; its upload latency also uses {@link Uploads}' clients,
     * first batch size, warm-up and window.
     *
     * @param eventClients clients in the pre-produced event stream
     * @param eventRounds  checkpoint requests per client (four events each)
     * @param eventRate    events per second of the steady phase; 0: half the catch-up rate
     * @param uploadRate   uploads per second for the latency with and without events
     */
    record Tracker(int eventClients, int eventRounds, double eventRate, double uploadRate) {
    }

    static final String USAGE = """
            Usage: relay bench [replication|download|streams|uploads|tracker|all] [options]

              replication          raw PostgreSQL insert rate vs. the bridge replicating the same rows into buckets
              download             initial download to the stock @powersync/node client vs. its ceiling (replayed lines),
                                   and to the Java protocol client
              streams              idle streams held by one bridge: heap per stream, broadcast checkpoint latency
              uploads              the write path with PostgreSQL, Kafka, upload-api, write-applier and sync-bridge:
                                   sustained uploads acknowledged per second, upload-to-committed latency at a fixed
                                   rate, upload-to-write_checkpoint latency for clients that each hold a sync stream
              tracker              checkpoint lifecycle events: events per second checkpoint-tracker folds (a pre-produced
                                   stream, then a steady rate), and the upload latency with events off and on
              all                  all five (default)

            Options:
              --rows N             rows per measurement (default 100000)
              --warmup N           rows inserted (and replicated) before the measured ones (default 100000)
              --runs N             repeat each measurement N times; ratios compare medians (default 3)
              --streams A,B        idle stream counts, opened cumulatively (default 1000,5000)
              --jfr                record the bridge with JFR (profile settings, Java sampled every ms) into the run
                       directory; summary: jfr view hot-methods <file>
              --bridge-jvm OPT     an extra JVM option for the bridge (repeatable), e.g. --bridge-jvm -Xmx512m
              --bridge-jar PATH    another build's quarkus-run.jar (to compare builds); default: the repository's

            Options of 'uploads' ('tracker' uses the first four too, and only the first batch size):
              --seconds N          each measured window (default 20)
              --warmup-seconds N   load before each measured window (default 10)
              --clients N          clients uploading at once, each one upload at a time (default 64)
              --batch-sizes A,B    CRUD entries per upload, measured one after the other (default 1,10)
              --rate N             uploads/s for the latency at a fixed rate (default: half the sustained rate)
              --stream-clients N   clients that each hold a sync stream and upload (default 1000)
              --stream-rate N      uploads/s of all stream clients together, batches of the first size
                                   (default: the fixed rate of the first batch size)

            Options of 'tracker':
              --event-clients N    clients in the pre-produced event stream (default 10000)
              --event-rounds N     checkpoint requests per client, four events each (default 10)
              --event-rate N       events/s of the steady phase (default: half the catch-up rate)
              --upload-rate N      uploads/s for the latency with events off and on (default 100)
            """;

    static BenchOptions parse(List<String> args, Path home) {
        long rows = 100_000;
        long warmup = 100_000;
        int runs = 3;
        List<Integer> streams = List.of(1000, 5000);
        boolean jfr = false;
        List<String> jvm = new ArrayList<>();
        Path jar = null;
        int warmupSeconds = 10;
        int seconds = 20;
        int clients = 64;
        List<Integer> batchSizes = List.of(1, 10);
        double rate = 0;
        int streamClients = 1000;
        double streamRate = 0;
        int eventClients = 10_000;
        int eventRounds = 10;
        double eventRate = 0;
        double uploadRate = 100;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--rows" -> rows = Long.parseLong(value(args, ++i, arg));
                case "--warmup" -> warmup = Long.parseLong(value(args, ++i, arg));
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, arg));
                case "--streams" -> streams = integers(value(args, ++i, arg));
                case "--jfr" -> jfr = true;
                case "--bridge-jvm" -> jvm.add(value(args, ++i, arg));
                case "--bridge-jar" -> jar = Path.of(value(args, ++i, arg)).toAbsolutePath();
                case "--seconds" -> seconds = Integer.parseInt(value(args, ++i, arg));
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(value(args, ++i, arg));
                case "--clients" -> clients = Integer.parseInt(value(args, ++i, arg));
                case "--batch-sizes" -> batchSizes = integers(value(args, ++i, arg));
                case "--rate" -> rate = Double.parseDouble(value(args, ++i, arg));
                case "--stream-clients" -> streamClients = Integer.parseInt(value(args, ++i, arg));
                case "--stream-rate" -> streamRate = Double.parseDouble(value(args, ++i, arg));
                case "--event-clients" -> eventClients = Integer.parseInt(value(args, ++i, arg));
                case "--event-rounds" -> eventRounds = Integer.parseInt(value(args, ++i, arg));
                case "--event-rate" -> eventRate = Double.parseDouble(value(args, ++i, arg));
                case "--upload-rate" -> uploadRate = Double.parseDouble(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        if (rows < 1 || warmup < 0 || runs < 1 || streams.isEmpty()) {
            throw new IllegalArgumentException("--rows and --runs must be positive, --warmup not negative\n" + USAGE);
        }
        if (seconds < 1 || warmupSeconds < 0 || clients < 1 || streamClients < 1 || rate < 0 || streamRate < 0
                || batchSizes.isEmpty() || batchSizes.stream().anyMatch(size -> size < 1)) {
            throw new IllegalArgumentException("--seconds, --clients, --stream-clients and --batch-sizes must be positive, "
                    + "--warmup-seconds, --rate and --stream-rate not negative\n" + USAGE);
        }
        if (eventClients < 1 || eventRounds < 1 || eventRate < 0 || uploadRate <= 0) {
            throw new IllegalArgumentException("--event-clients, --event-rounds and --upload-rate must be positive, --event-rate not "
                    + "negative\n" + USAGE);
        }
        Uploads uploads = new Uploads(warmupSeconds, seconds, clients, batchSizes, rate, streamClients, streamRate);
        Tracker tracker = new Tracker(eventClients, eventRounds, eventRate, uploadRate);
        return new BenchOptions(rows, warmup, runs, streams, jfr, List.copyOf(jvm), jar, home.resolve("clients/node"), uploads,
                tracker);
    }

    private static List<Integer> integers(String list) {
        return List.of(list.split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }
}
