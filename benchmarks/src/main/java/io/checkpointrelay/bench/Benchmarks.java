package io.checkpointrelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

import io.checkpointrelay.stack.RelayHome;

/**
 * {@code relay bench [replication|download|streams|uploads|tracker|all] [options]}: starts embedded
 * PostgreSQL and the packaged sync-bridge for each benchmark (for {@code uploads} and {@code tracker}
 * the whole local stack, for {@code tracker} also Kafka and checkpoint-tracker alone), prints each figure as it is measured and a table at the end. Logs, captured streams and JFR recordings stay in
 * {@code benchmarks/target/bench-runs/<time>/}.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) {
        quietLogging();
        try {
            System.exit(run(Arrays.asList(args)));
        } catch (IllegalArgumentException e) {
            System.err.println("relay bench: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("relay bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static int run(List<String> args) throws Exception {
        String which = args.isEmpty() || args.getFirst().startsWith("--") ? "all" : args.getFirst();
        List<String> rest = args.isEmpty() || args.getFirst().startsWith("--") ? args : args.subList(1, args.size());
        if (List.of("help", "-h", "--help").contains(which) || rest.contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            return 0;
        }
        RelayHome home = RelayHome.find();
        BenchOptions options = BenchOptions.parse(rest, home.root());
        List<String> selected = switch (which) {
            case "all" -> List.of(ReplicationBenchmark.NAME, DownloadBenchmark.NAME, IdleStreamsBenchmark.NAME, UploadsBenchmark.NAME,
                    TrackerBenchmark.NAME);
            case ReplicationBenchmark.NAME, DownloadBenchmark.NAME, IdleStreamsBenchmark.NAME, UploadsBenchmark.NAME,
                    TrackerBenchmark.NAME -> List.of(which);
            default -> throw new IllegalArgumentException("unknown benchmark '" + which + "'\n" + BenchOptions.USAGE);
        };
        Path runDirectory = home.root().resolve("benchmarks/target/bench-runs")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(runDirectory);
        System.out.printf("relay bench: %s on %d cores (%s), Java %s; logs in %s%n", String.join(", ", selected),
                Runtime.getRuntime().availableProcessors(), loadAverage(), Runtime.version(), runDirectory);

        Figures figures = new Figures();
        for (String benchmark : selected) {
            System.out.println();
            System.out.println("== " + benchmark);
            switch (benchmark) {
                case ReplicationBenchmark.NAME -> new ReplicationBenchmark(home, options, figures).run(runDirectory);
                case DownloadBenchmark.NAME -> new DownloadBenchmark(home, options, figures).run(runDirectory);
                case IdleStreamsBenchmark.NAME -> new IdleStreamsBenchmark(home, options, figures).run(runDirectory);
                case UploadsBenchmark.NAME -> new UploadsBenchmark(home, options, figures).run(runDirectory);
                case TrackerBenchmark.NAME -> new TrackerBenchmark(home, options, figures).run(runDirectory);
                default -> throw new IllegalStateException(benchmark);
            }
        }
        figures.print();
        System.out.printf("%nload average at the end: %s (other work on the machine lowers every figure)%n", loadAverage());
        return 0;
    }

    /** The 1-minute load average: how busy the machine was (the figures depend on it). */
    static String loadAverage() {
        try {
            return "load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "load unknown";
        }
    }

    /** Embedded PostgreSQL and the HTTP client log through SLF4J simple: warnings only. */
    private static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
}
