package io.checkpointrelay.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.checkpointrelay.stack.RelayHome;

/**
 * Replication of small rows into buckets, against the raw insert rate of the same PostgreSQL in
 * the same run. First the raw rate: the rows inserted into a table no publication covers, before
 * the bridge (and its slot) exists. Then the bridge: the same inserts into a synced table, timed
 * from the first INSERT until storage holds the op of the last row (each row is one PUT in its
 * owner's bucket). Both after a warm-up of their own.
 */
final class ReplicationBenchmark {

    static final String NAME = "replication";
    private static final int OWNERS = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final RelayHome home;
    private final BenchOptions options;
    private final Figures figures;

    ReplicationBenchmark(RelayHome home, BenchOptions options, Figures figures) {
        this.home = home;
        this.options = options;
        this.figures = figures;
    }

    void run(Path runDirectory) throws Exception {
        long rows = options.rows();
        SmallRows.Owners owners = SmallRows.Owners.spread("owner-", OWNERS);
        try (BenchStack stack = BenchStack.start(home, runDirectory.resolve(NAME), options);
                Connection source = stack.connect();
                Connection storage = stack.connect()) {
            int series = 0;
            SmallRows.insert(source, "raw_items", ++series, 0, options.warmupRows(), owners);
            List<Double> raw = new ArrayList<>();
            Path pgData = stack.postgres().dataDirectory();
            for (int run = 1; run <= options.runs(); run++) {
                long pgCpu = CpuTime.postgres(pgData);
                long started = System.nanoTime();
                SmallRows.insert(source, "raw_items", ++series, 0, rows, owners);
                long elapsed = System.nanoTime() - started;
                raw.add(Figures.perSecond(rows, elapsed));
                figures.rate(NAME, "raw PostgreSQL insert, run " + run, raw.getLast(), "rows/s",
                        String.format(Locale.ROOT, "%,d rows, %d-row INSERTs, one connection, no slot; %s", rows,
                                SmallRows.ROWS_PER_INSERT, cpu(elapsed, 0, CpuTime.postgres(pgData) - pgCpu)));
            }

            long bridgePid = stack.startBridge("replication-bridge").pid();
            // Which backends are the benchmark's own: the rest are the bridge's (walsender, storage writes).
            Map<Long, String> roles = Map.of(backendPid(source), "source inserts", backendPid(storage), "benchmark polling");
            long base = BenchStack.storedCheckpoint(storage);
            SmallRows.insert(source, "items", ++series, 0, options.warmupRows(), owners);
            BenchStack.awaitStoredCheckpoint(storage, base + options.warmupRows(), TIMEOUT);

            List<Double> replicated = new ArrayList<>();
            for (int run = 1; run <= options.runs(); run++) {
                long first = BenchStack.storedCheckpoint(storage);
                Map<String, Long> pgCpu = CpuTime.postgresByRole(pgData, roles);
                long bridgeCpu = CpuTime.of(bridgePid, false);
                long started = System.nanoTime();
                SmallRows.insert(source, "items", ++series, 0, rows, owners);
                long inserted = System.nanoTime();
                long stored = BenchStack.awaitStoredCheckpoint(storage, first + rows, TIMEOUT);
                replicated.add(Figures.perSecond(rows, stored - started));
                figures.rate(NAME, "bridge replication into buckets, run " + run, replicated.getLast(), "ops/s",
                        String.format(Locale.ROOT, "first INSERT to last op stored; source inserted at %,.0f rows/s, "
                                + "last op stored %s after the last INSERT; %s", Figures.perSecond(rows, inserted - started),
                                Figures.millis(stored - inserted), cpu(stored - started, CpuTime.of(bridgePid, false) - bridgeCpu,
                                        sum(CpuTime.postgresByRole(pgData, roles)) - sum(pgCpu))));
                figures.add(NAME, "  PostgreSQL CPU by process, run " + run, "", CpuTime.describe(pgCpu,
                        CpuTime.postgresByRole(pgData, roles)));
            }
            // What logical decoding costs on its own: the same raw inserts while the slot is read
            // (the walsender decodes and filters them; the bridge receives nothing).
            Map<String, Long> pgCpu = CpuTime.postgresByRole(pgData, roles);
            long started = System.nanoTime();
            SmallRows.insert(source, "raw_items", ++series, 0, rows, owners);
            long elapsed = System.nanoTime() - started;
            figures.rate(NAME, "raw insert while the bridge reads the slot", Figures.perSecond(rows, elapsed), "rows/s",
                    "table outside the publication: " + CpuTime.describe(pgCpu, CpuTime.postgresByRole(pgData, roles)));

            double rawMedian = median(raw);
            double replicatedMedian = median(replicated);
            if (options.runs() > 1) {
                figures.rate(NAME, "raw PostgreSQL insert, median", rawMedian, "rows/s", null);
                figures.rate(NAME, "bridge replication, median", replicatedMedian, "ops/s", null);
            }
            figures.ratio(NAME, "bridge replication / raw insert", replicatedMedian / rawMedian, 0.5);
        }
    }

    /** Where the time went: CPU seconds of the bridge (0: not running) and of PostgreSQL against the wall-clock time. */
    private static String cpu(long wallNanos, long bridgeNanos, long postgresNanos) {
        String bridge = bridgeNanos == 0 ? "" : String.format(Locale.ROOT, "%.1f s bridge, ", bridgeNanos / 1e9);
        return String.format(Locale.ROOT, "CPU %s%.1f s PostgreSQL in %.1f s", bridge, postgresNanos / 1e9, wallNanos / 1e9);
    }

    private static long sum(Map<String, Long> values) {
        return values.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long backendPid(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet result = sql.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            return result.getLong(1);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
