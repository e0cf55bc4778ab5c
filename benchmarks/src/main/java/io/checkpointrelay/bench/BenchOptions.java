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
 */
record BenchOptions(long rows, long warmupRows, int runs, List<Integer> streamCounts, boolean jfr, List<String> bridgeJvmOptions,
        Path bridgeJar, Path nodeDirectory) {

    static final String USAGE = """
            Usage: relay bench [replication|download|streams|all] [options]

              replication          raw PostgreSQL insert rate vs. the bridge replicating the same rows into buckets
              download             initial download to the stock @powersync/node client vs. its ceiling (replayed lines),
                                   and to the Java protocol client
              streams              idle streams held by one bridge: heap per stream, broadcast checkpoint latency
              all                  all three (default)

            Options:
              --rows N             rows per measurement (default 100000)
              --warmup N           rows inserted (and replicated) before the measured ones (default 100000)
              --runs N             repeat each measurement N times; ratios compare medians (default 3)
              --streams A,B        idle stream counts, opened cumulatively (default 1000,5000)
              --jfr                record the bridge with JFR (profile settings, Java sampled every ms) into the run
                       directory; summary: jfr view hot-methods <file>
              --bridge-jvm OPT     an extra JVM option for the bridge (repeatable), e.g. --bridge-jvm -Xmx512m
              --bridge-jar PATH    another build's quarkus-run.jar (to compare builds); default: the repository's
            """;

    static BenchOptions parse(List<String> args, Path home) {
        long rows = 100_000;
        long warmup = 100_000;
        int runs = 3;
        List<Integer> streams = List.of(1000, 5000);
        boolean jfr = false;
        List<String> jvm = new ArrayList<>();
        Path jar = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--rows" -> rows = Long.parseLong(value(args, ++i, arg));
                case "--warmup" -> warmup = Long.parseLong(value(args, ++i, arg));
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, arg));
                case "--streams" -> streams = List.of(value(args, ++i, arg).split(",")).stream().map(String::trim)
                        .map(Integer::parseInt).toList();
                case "--jfr" -> jfr = true;
                case "--bridge-jvm" -> jvm.add(value(args, ++i, arg));
                case "--bridge-jar" -> jar = Path.of(value(args, ++i, arg)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        if (rows < 1 || warmup < 0 || runs < 1 || streams.isEmpty()) {
            throw new IllegalArgumentException("--rows and --runs must be positive, --warmup not negative\n" + USAGE);
        }
        return new BenchOptions(rows, warmup, runs, streams, jfr, List.copyOf(jvm), jar, home.resolve("clients/node"));
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }
}
