package io.checkpointrelay.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.ServiceProcess;

/**
 * Idle streams held by one bridge: N authenticated streams (one user each) that, once synced,
 * receive only keep-alives. Measured for each N (opened cumulatively): the bridge's heap after a
 * full GC against its heap before any stream, and how long a checkpoint every stream must hear
 * about (a row of the global {@code notices} bucket) takes to reach all of them, from the source
 * INSERT to each stream's {@code checkpoint_complete}.
 */
final class IdleStreamsBenchmark {

    static final String NAME = "streams";
    private static final int WAVE = 250;
    private static final int BROADCASTS = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final RelayHome home;
    private final BenchOptions options;
    private final Figures figures;

    IdleStreamsBenchmark(RelayHome home, BenchOptions options, Figures figures) {
        this.home = home;
        this.options = options;
        this.figures = figures;
    }

    void run(Path runDirectory) throws Exception {
        try (BenchStack stack = BenchStack.start(home, runDirectory.resolve(NAME), options);
                Connection source = stack.connect()) {
            ServiceProcess bridge = stack.startBridge("streams-bridge");
            BridgeHeap idle = BridgeHeap.measure(bridge);
            figures.add(NAME, "bridge heap after GC, no stream", mib(idle.heapBytes()),
                    String.format(Locale.ROOT, "RSS %s, %d threads", mib(idle.rssBytes()), idle.threads()));
            long notice = 0;
            try (IdleStreams streams = new IdleStreams(bridge.uri(), stack::token)) {
                for (int count : options.streamCounts().stream().sorted().toList()) {
                    long started = System.nanoTime();
                    streams.openUpTo(count, WAVE, TIMEOUT);
                    figures.add(NAME, String.format(Locale.ROOT, "open %,d streams (to first checkpoint)", count),
                            Figures.millis(System.nanoTime() - started), "in waves of " + WAVE + ", cumulative");
                    Thread.sleep(2000); // let connection set-up garbage and queues settle

                    BridgeHeap held = BridgeHeap.measure(bridge);
                    long perStream = (held.heapBytes() - idle.heapBytes()) / count;
                    figures.add(NAME, String.format(Locale.ROOT, "bridge heap after GC, %,d idle streams", count), mib(held.heapBytes()),
                            String.format(Locale.ROOT, "RSS %s, %d threads", mib(held.rssBytes()), held.threads()));
                    figures.add(NAME, String.format(Locale.ROOT, "heap per idle stream (%,d streams)", count),
                            String.format(Locale.ROOT, "%,.1f KiB", perStream / 1024.0), "(heap with streams - heap without) / N");

                    for (int b = 1; b <= BROADCASTS; b++) {
                        long[] latencies = broadcast(source, streams, ++notice);
                        figures.add(NAME, String.format(Locale.ROOT, "broadcast checkpoint to %,d streams, #%d", count, b),
                                Figures.millis(latencies[latencies.length - 1]),
                                String.format(Locale.ROOT, "INSERT to checkpoint_complete on every stream: first %s, p50 %s, p95 %s",
                                        Figures.millis(latencies[0]), Figures.millis(Figures.percentile(latencies, 0.5)),
                                        Figures.millis(Figures.percentile(latencies, 0.95))));
                    }
                    if (streams.ended() > 0) {
                        throw new IllegalStateException(streams.ended() + " streams ended while they should stay open");
                    }
                }
            }
        }
    }

    /** Inserts a notice (every stream syncs it) and returns each stream's latency, sorted. */
    private static long[] broadcast(Connection source, IdleStreams streams, long id) throws Exception {
        int[] before = streams.completes();
        long started;
        try (PreparedStatement insert = source.prepareStatement("INSERT INTO notices (id, body) VALUES (?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, "notice " + id);
            started = System.nanoTime();
            insert.executeUpdate();
        }
        streams.awaitBeyond(before, TIMEOUT);
        List<IdleStreams.Watcher> watchers = streams.watchers();
        long[] latencies = new long[watchers.size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = watchers.get(i).lastCompleteNanos() - started;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024));
    }
}
