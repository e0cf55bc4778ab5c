package io.checkpointrelay.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.checkpointrelay.bench.UploadLoad.BackToBack;
import io.checkpointrelay.bench.UploadLoad.Paced;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayHome;

/**
 * The write path with every service as its own process ({@link LocalStack}: PostgreSQL, Kafka
 * in this JVM, upload-api, write-applier, sync-bridge), driven by devices of the demo todo-list
 * app. Each upload is one local transaction (a new list and its todos) with the device's next
 * checkpoint request id, so write-applier commits the batch and the device's checkpoint row
 * together; a NOTIFY trigger on the list shows that commit from outside ({@link CommitListener}).
 *
 * <p>After an unmeasured warm-up of the freshly started services:
 * <ol>
 * <li>Sustained rate: many devices each upload one batch after the other, as an SDK's upload
 * queue does; uploads acknowledged per second over a window after a warm-up, what write-applier
 * committed in the same window, and how far behind it was at the end.</li>
 * <li>Latency at a fixed rate below that (half the lower of the two rates): uploads due on a
 * fixed schedule (open loop, so a slow answer delays no later upload's clock), each timed from
 * when it was due to its commit.</li>
 * <li>With sync streams: many devices each hold a stream and upload together at a steady rate
 * (by default the first fixed rate, so the streams are what changes); each upload is timed from
 * when it was due to its stream's first checkpoint line whose {@code write_checkpoint} covers
 * it, and to the {@code checkpoint_complete} after it.</li>
 * </ol>
 */
final class UploadsBenchmark {

    static final String NAME = "uploads";
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(5);
    private static final int STREAM_WAVE = 250;
    /** The latency measurement runs at this fraction of the sustainable rate unless --rate says otherwise. */
    private static final double FIXED_RATE_FRACTION = 0.5;

    private final RelayHome home;
    private final BenchOptions.Uploads settings;
    private final Figures figures;

    UploadsBenchmark(RelayHome home, BenchOptions options, Figures figures) {
        this.home = home;
        this.settings = options.uploads();
        this.figures = figures;
    }

    void run(Path runDirectory) throws Exception {
        Path directory = runDirectory.resolve(NAME);
        System.out.printf(Locale.ROOT, "  settings: %d clients each uploading one batch at a time; batches of %s CRUD entries (a new "
                + "list and its todos, one local transaction) with a checkpoint request id; windows of %d s after %d s of warm-up; "
                + "fixed rate %s; %,d clients with a sync stream uploading %s together%n", settings.clients(),
                settings.batchSizes(), settings.seconds(), settings.warmupSeconds(),
                settings.rate() > 0 ? String.format(Locale.ROOT, "%,.0f uploads/s", settings.rate()) : "half the sustained rate",
                settings.streamClients(), settings.streamRate() > 0 ? String.format(Locale.ROOT, "%,.0f uploads/s", settings.streamRate())
                        : "at the first fixed rate");
        long starting = System.nanoTime();
        try (LocalStack stack = LocalStack.builder().home(home).logDirectory(directory.resolve("logs")).start();
                CommitListener commits = CommitListener.start(stack.postgres(), LocalStack.DATABASE);
                UploadSender sender = new UploadSender(stack.uploadApiUri(), commits)) {
            System.out.printf(Locale.ROOT, "  stack ready in %s (PostgreSQL, Kafka in this JVM, upload-api, write-applier, "
                    + "sync-bridge as processes); logs in %s%n", Figures.millis(System.nanoTime() - starting), directory.resolve("logs"));
            List<WritingDevice> writers = new ArrayList<>();
            for (int i = 0; i < settings.clients(); i++) {
                String user = "writer-" + i;
                writers.add(new WritingDevice(user, "writer-client-" + i, stack.tokens().issue(user, Duration.ofHours(2)), false));
            }
            UploadLoad.warmUp(stack, writers, sender, settings.batchSizes(), settings.warmupSeconds());
            Map<Integer, Double> sustainable = new LinkedHashMap<>();
            for (int entries : settings.batchSizes()) {
                sustainable.put(entries, sustained(stack, writers, entries, sender, commits));
            }
            Map<Integer, Double> fixedRates = new LinkedHashMap<>();
            for (int entries : settings.batchSizes()) {
                double rate = settings.rate() > 0 ? settings.rate() : Math.max(1, FIXED_RATE_FRACTION * sustainable.get(entries));
                fixedRates.put(entries, rate);
                atFixedRate(stack, writers, entries, rate, sender);
            }
            // The streams get the first fixed rate unless told otherwise: the same load, now with the bridge's streams.
            int streamEntries = settings.batchSizes().getFirst();
            double streamRate = settings.streamRate() > 0 ? settings.streamRate() : fixedRates.get(streamEntries);
            List<WritingDevice> streaming = withStreams(stack, streamEntries, streamRate, sender);
            List<WritingDevice> all = new ArrayList<>(writers);
            all.addAll(streaming);
            verify(stack, all, sender);
            commits.check();
        }
    }

    /** Devices upload back to back; returns the rate both upload-api and write-applier sustained (the lower one). */
    private double sustained(LocalStack stack, List<WritingDevice> devices, int entries, UploadSender sender, CommitListener commits)
            throws Exception {
        String label = String.format(Locale.ROOT, "sustained, %d entr%s/upload, %d clients", entries, entries == 1 ? "y" : "ies",
                devices.size());
        System.out.printf("  %s: %d s warm-up, %d s measured ...%n", label, settings.warmupSeconds(), settings.seconds());
        long failedBefore = sender.failed();
        BackToBack load = BackToBack.start(devices, entries, sender);
        Thread.sleep(settings.warmupSeconds() * 1000L);
        long acknowledged = sender.acknowledged();
        long committed = commits.committed();
        StackCpu cpu = StackCpu.of(stack);
        long from = System.nanoTime();
        Thread.sleep(settings.seconds() * 1000L);
        long to = System.nanoTime();
        double ackRate = Figures.perSecond(sender.acknowledged() - acknowledged, to - from);
        double commitRate = Figures.perSecond(commits.committed() - committed, to - from);
        String cpuUse = StackCpu.of(stack).since(cpu, to - from);
        long lastAnswer = load.stop();
        Collection<UploadSample> samples = load.samples();
        List<UploadSample> measured = samples.stream()
                .filter(s -> s.isAcknowledged() && s.startNanos() >= from && s.startNanos() < to).toList();
        // Acknowledged within the window but not committed by its end: the queue write-applier had left.
        List<UploadSample> behind = samples.stream()
                .filter(s -> s.isAcknowledged() && s.ackNanos() < to && (s.committedNanos() == 0 || s.committedNanos() > to)).toList();
        long oldest = behind.stream().mapToLong(s -> to - s.ackNanos()).max().orElse(0);
        List<UploadSample> acknowledgedSamples = load.acknowledged();
        int uncommitted = UploadLoad.awaitAll(acknowledgedSamples, s -> s.committedNanos() != 0, UploadLoad.SETTLE_TIMEOUT);
        long caughtUp = acknowledgedSamples.stream().mapToLong(UploadSample::committedNanos).max().orElse(lastAnswer);
        // What the applier does alone: the backlog left at the last answer, over the time it took to commit it.
        long backlog = acknowledgedSamples.stream().filter(s -> s.committedNanos() > lastAnswer).count();
        String drain = backlog < 10 || caughtUp <= lastAnswer ? "" : String.format(Locale.ROOT, " (%,.0f uploads/s with no new uploads)",
                Figures.perSecond(backlog, caughtUp - lastAnswer));

        Latency toAck = Latency.of(measured, s -> s.ackNanos() - s.startNanos());
        Latency toCommit = Latency.of(measured, s -> s.committedNanos() == 0 ? Long.MAX_VALUE : s.committedNanos() - s.startNanos());
        figures.rate(NAME, label + ": acknowledged", ackRate, "uploads/s", String.format(Locale.ROOT,
                "%,.0f entries/s; %d s window after %d s warm-up%s", ackRate * entries, settings.seconds(), settings.warmupSeconds(),
                failures(sender, failedBefore)));
        figures.add(NAME, "  request start to 200", toAck.value(), toAck.note());
        figures.rate(NAME, "  committed by write-applier in the window", commitRate, "uploads/s",
                "each batch with its checkpoint row in one transaction, seen by LISTEN/NOTIFY");
        figures.add(NAME, "  applier behind at the end of the window", String.format(Locale.ROOT, "%,d uploads", behind.size()),
                uncommitted > 0
                        ? String.format(Locale.ROOT, "acknowledged, not committed; %,d still not committed %d s after the load stopped",
                                uncommitted, UploadLoad.SETTLE_TIMEOUT.toSeconds())
                        : String.format(Locale.ROOT, "acknowledged, not committed (oldest acknowledged %s before); all committed "
                                + "%s after the last 200%s", Figures.millis(oldest), Figures.millis(Math.max(0, caughtUp - lastAnswer)),
                                drain));
        figures.add(NAME, "  request start to committed", toCommit.value(), toCommit.note() + " (grows while the applier falls behind)");
        figures.add(NAME, "  CPU in the window", "", cpuUse);
        return Math.min(ackRate, commitRate);
    }

    /** Uploads due on a fixed schedule; each timed from when it was due to its commit. */
    private void atFixedRate(LocalStack stack, List<WritingDevice> devices, int entries, double rate, UploadSender sender)
            throws Exception {
        String label = String.format(Locale.ROOT, "%,.0f uploads/s, %d entr%s/upload", rate, entries, entries == 1 ? "y" : "ies");
        System.out.printf("  %s: %d s warm-up, %d s measured ...%n", label, settings.warmupSeconds(), settings.seconds());
        long failedBefore = sender.failed();
        Map<String, Double> applierBefore = applierQueueLatency(stack);
        Paced paced = UploadLoad.pace(devices, entries, rate, sender, settings.warmupSeconds(), settings.seconds(), () -> StackCpu.of(stack));
        List<UploadSample> measured = paced.measured();
        int unanswered = UploadLoad.awaitAll(measured, s -> s.isAcknowledged() || s.failure() != null, UploadLoad.SETTLE_TIMEOUT);
        List<UploadSample> acknowledged = measured.stream().filter(UploadSample::isAcknowledged).toList();
        int uncommitted = UploadLoad.awaitAll(acknowledged, s -> s.committedNanos() != 0, UploadLoad.SETTLE_TIMEOUT);
        Map<String, Double> applierAfter = applierQueueLatency(stack);
        double count = applierAfter.get("count") - applierBefore.get("count");
        String applierOwn = count <= 0 ? "no samples" : String.format(Locale.ROOT, "mean %,.1f ms",
                (applierAfter.get("sum") - applierBefore.get("sum")) / count * 1000);

        Latency toCommit = Latency.of(acknowledged, s -> s.committedNanos() == 0 ? Long.MAX_VALUE : s.committedNanos() - s.startNanos());
        Latency toAck = Latency.of(acknowledged, s -> s.ackNanos() - s.startNanos());
        Latency ackToCommit = Latency.of(acknowledged, s -> s.committedNanos() == 0 ? Long.MAX_VALUE : s.committedNanos() - s.ackNanos());
        figures.add(NAME, label + ": due to committed", toCommit.value(), String.format(Locale.ROOT,
                "%s; %,d uploads due in %d s (%,.0f/s) after %d s warm-up, timed from when due (open loop)%s%s", toCommit.note(),
                measured.size(), settings.seconds(), paced.sentRate(), settings.warmupSeconds(),
                uncommitted + unanswered > 0 ? String.format(Locale.ROOT, "; %,d unanswered and %,d not committed after %d s",
                        unanswered, uncommitted, UploadLoad.SETTLE_TIMEOUT.toSeconds()) : "",
                failures(sender, failedBefore)));
        figures.add(NAME, "  due to 200", toAck.value(), toAck.note());
        figures.add(NAME, "  200 to committed", ackToCommit.value(), ackToCommit.note()
                + "; below 0: committed before the 200 reached the client");
        figures.add(NAME, "  write-applier's own queue latency", applierOwn,
                "its relay_applier_queue_latency timer (upload-api received to commit), warm-up and window");
        figures.add(NAME, "  CPU in the window", "", paced.cpu());
    }

    /**
     * Devices that each hold a sync stream (the bridge's demo rules: their own lists and todos)
     * and upload at a steady pace together; returns them for the final check.
     */
    private List<WritingDevice> withStreams(LocalStack stack, int entries, double rate, UploadSender sender) throws Exception {
        int count = settings.streamClients();
        String prefix = "stream-user-";
        List<WritingDevice> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = prefix + i;
            devices.add(new WritingDevice(user, IdleStreams.clientId(i), stack.tokens().issue(user, Duration.ofHours(2)), true));
        }
        String label = String.format(Locale.ROOT, "%,d streams, %,.0f uploads/s, %d entr%s/upload", count, rate, entries,
                entries == 1 ? "y" : "ies");
        System.out.printf("  %s: opening the streams ...%n", label);
        try (IdleStreams streams = new IdleStreams(stack.syncUri(), user -> stack.tokens().issue(user, Duration.ofHours(2)), prefix,
                devices::get)) {
            long opening = System.nanoTime();
            streams.openUpTo(count, STREAM_WAVE, STREAM_TIMEOUT);
            figures.add(NAME, String.format(Locale.ROOT, "open %,d sync streams (to first checkpoint)", count),
                    Figures.millis(System.nanoTime() - opening), "IdleStreams: one async HTTP client, NDJSON, waves of " + STREAM_WAVE);
            System.out.printf("  %s: %d s warm-up, %d s measured ...%n", label, settings.warmupSeconds(), settings.seconds());
            long failedBefore = sender.failed();
            Paced paced = UploadLoad.pace(devices, entries, rate, sender, settings.warmupSeconds(), settings.seconds(), () -> StackCpu.of(stack));
            List<UploadSample> measured = paced.measured();
            int missing = UploadLoad.awaitAll(measured, s -> s.failure() != null || s.isStreamLost() || s.checkpointCompleteNanos() != 0,
                    UploadLoad.SETTLE_TIMEOUT);
            List<UploadSample> seen = measured.stream().filter(s -> s.failure() == null && s.checkpointCompleteNanos() != 0).toList();
            long lost = measured.stream().filter(UploadSample::isStreamLost).count();
            Latency toWriteCheckpoint = Latency.of(seen, s -> s.writeCheckpointNanos() - s.startNanos());
            Latency toComplete = Latency.of(seen, s -> s.checkpointCompleteNanos() - s.startNanos());
            Latency toAck = Latency.of(seen, s -> s.ackNanos() - s.startNanos());
            Latency toCommit = Latency.of(seen, s -> s.committedNanos() - s.startNanos());
            figures.add(NAME, label + ": due to write_checkpoint", toWriteCheckpoint.value(), String.format(Locale.ROOT,
                    "%s; to the stream's first checkpoint line covering the id; %,d uploads due in %d s (%,.0f/s, one per client "
                            + "every %,.0f s) after %d s warm-up, timed from when due (open loop)%s%s", toWriteCheckpoint.note(),
                    measured.size(), settings.seconds(), paced.sentRate(), count / rate, settings.warmupSeconds(),
                    missing > 0 ? String.format(Locale.ROOT, "; %,d not covered after %d s", missing, UploadLoad.SETTLE_TIMEOUT.toSeconds()) : "",
                    failures(sender, failedBefore)));
            if (streams.ended() > 0) {
                figures.add(NAME, "  streams ENDED by the bridge", String.format(Locale.ROOT, "%,d of %,d", streams.ended(), count),
                        String.format(Locale.ROOT, "%,d uploads of their clients were never covered (this client does not reconnect); "
                                + "first: %s; see the bridge's log", lost, streams.firstEnd()));
            }
            figures.add(NAME, "  due to checkpoint_complete after it", toComplete.value(), toComplete.note()
                    + "; a stock client applies the checkpoint here");
            figures.add(NAME, "  due to 200", toAck.value(), toAck.note());
            figures.add(NAME, "  due to committed", toCommit.value(), toCommit.note());
            figures.add(NAME, "  CPU in the window", "", paced.cpu());
        }
        return devices;
    }

    private static String failures(UploadSender sender, long failedBefore) {
        long failed = sender.failed() - failedBefore;
        return failed == 0 ? "" : String.format(Locale.ROOT, "; %,d uploads FAILED, first: %s", failed, sender.firstFailure());
    }

    /** write-applier's own queue latency timer (count, sum in seconds) from its Prometheus metrics. */
    private static Map<String, Double> applierQueueLatency(LocalStack stack) throws Exception {
        ServiceMetrics metrics = ServiceMetrics.scrape(stack.writeApplierUri());
        return Map.of("count", metrics.sum("relay_applier_queue_latency_seconds_count").orElse(0),
                "sum", metrics.sum("relay_applier_queue_latency_seconds_sum").orElse(0));
    }

    /**
     * The guarantee behind the figures: every acknowledged upload is in PostgreSQL (one list
     * each), and each device's checkpoint row holds its last acknowledged request id.
     */
    private void verify(LocalStack stack, List<WritingDevice> devices, UploadSender sender) throws SQLException {
        Map<String, Long> stored = new HashMap<>();
        long lists;
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE); Statement sql = db.createStatement()) {
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM lists")) {
                rows.next();
                lists = rows.getLong(1);
            }
            try (ResultSet rows = sql.executeQuery("SELECT user_id, client_id, checkpoint FROM checkpoints")) {
                while (rows.next()) {
                    stored.put(rows.getString(1) + "/" + rows.getString(2), rows.getLong(3));
                }
            }
        }
        long matching = devices.stream()
                .filter(d -> stored.getOrDefault(d.userId() + "/" + d.clientId(), 0L) == d.lastAcknowledged()).count();
        boolean met = lists == sender.acknowledged() && matching == devices.size();
        figures.add(NAME, "acknowledged uploads in PostgreSQL", String.format(Locale.ROOT, "%,d of %,d", lists, sender.acknowledged()),
                String.format(Locale.ROOT, "checkpoint rows equal to the last acknowledged request id: %,d of %,d clients; %s%s", matching,
                        devices.size(), met ? "OK" : "MISMATCH",
                        sender.failed() > 0 ? String.format(Locale.ROOT, " (%,d uploads failed in all)", sender.failed()) : ""));
    }
}
