package io.checkpointrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.checkpointrelay.bench.UploadLoad.Paced;
import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.stack.DevSecret;
import io.checkpointrelay.stack.Directories;
import io.checkpointrelay.stack.LocalKafka;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.Ports;
import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;

/**
 * What the checkpoint-request lifecycle events cost (docs/EVENTS.md):
 * <ol>
 * <li>How many events per second checkpoint-tracker folds: Kafka in this JVM with the
 * tracker's topics, a stream of events pre-produced ({@link LifecycleStream}), then the packaged
 * tracker started as its own process; timed from its first commit until its consumer group's
 * committed offsets reach the end of {@code relay.checkpoint-events}. Then a steady phase at a
 * fixed rate below that, with the tracker's lag (the age of the oldest event it has not
 * committed) and its CPU.</li>
 * <li>What emitting events adds to an upload: the whole stack ({@link LocalStack}), uploads at a
 * fixed rate (open loop, {@link UploadLoad}), once with {@code relay.events.enabled=false} on
 * upload-api, write-applier and sync-bridge and once with events on, each on a fresh stack;
 * due-to-200 and due-to-committed latencies of both, and the services' dropped-event counters.
 * checkpoint-tracker is stopped while the uploads run (its cost is the first part), then
 * started again to check it reads every event emitted.</li>
 * </ol>
 */
final class TrackerBenchmark {

    static final String NAME = "tracker";
    /** The tracker's consumer group (quarkus.kafka-streams.application-id). */
    private static final String TRACKER_GROUP = "checkpoint-tracker";
    private static final int PARTITIONS = LocalStack.UPLOAD_PARTITIONS;
    /** Clients whose requests are under way at once in the produced stream. */
    private static final int WINDOW = 500;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);
    private static final long SAMPLE_MILLIS = 100;
    /** The steady phase runs at this fraction of the catch-up rate unless --event-rate says otherwise. */
    private static final double STEADY_FRACTION = 0.5;
    private static final List<RelayService> EMITTERS = List.of(RelayService.UPLOAD_API, RelayService.WRITE_APPLIER,
            RelayService.SYNC_BRIDGE);

    private final RelayHome home;
    private final BenchOptions.Tracker settings;
    private final BenchOptions.Uploads uploads;
    private final Figures figures;
    private final int runs;

    TrackerBenchmark(RelayHome home, BenchOptions options, Figures figures) {
        this.home = home;
        this.settings = options.tracker();
        this.uploads = options.uploads();
        this.figures = figures;
        this.runs = options.runs();
    }

    void run(Path runDirectory) throws Exception {
        Path directory = runDirectory.resolve(NAME);
        List<RelayService> emitters = emitters();
        List<RelayService> silent = EMITTERS.stream().filter(service -> !emitters.contains(service)).toList();
        if (!silent.isEmpty()) {
            System.out.printf("  note: %s %s no lifecycle events in this build (no relay-events library in its package), so the "
                    + "upload latency below covers only what %s emit%n", names(silent), silent.size() == 1 ? "emits" : "emit",
                    names(emitters));
        }
        throughput(directory);
        double rate = settings.uploadRate();
        int entries = uploads.batchSizes().getFirst();
        System.out.printf(Locale.ROOT, "  upload latency with and without lifecycle events: %d clients, %,.0f uploads/s of %d entr%s, "
                + "each mode on a fresh stack%n", uploads.clients(), rate, entries, entries == 1 ? "y" : "ies");
        // Off and on alternate, so a machine that gets busier during the benchmark burdens both alike.
        List<double[]> toAcknowledged = new ArrayList<>();
        List<double[]> toCommitted = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path runPath = runs == 1 ? directory : directory.resolve("run-" + run);
            Latency[] off = uploadLatency(runPath, emitters, false, rate, entries);
            Latency[] on = uploadLatency(runPath, emitters, true, rate, entries);
            String pair = runs == 1 ? "" : " (run " + run + ")";
            figures.add(NAME, "events on minus off: due to 200" + pair, difference(on[0], off[0]), "p50 / p99");
            figures.add(NAME, "events on minus off: due to committed" + pair, difference(on[1], off[1]), "p50 / p99");
            differences(on[0], off[0]).ifPresent(toAcknowledged::add);
            differences(on[1], off[1]).ifPresent(toCommitted::add);
        }
        if (toAcknowledged.size() > 1) {
            figures.add(NAME, "events on minus off: due to 200, median of " + toAcknowledged.size() + " runs", medians(toAcknowledged),
                    "p50 / p99; compare with the spread of the runs above");
            figures.add(NAME, "events on minus off: due to committed, median of " + toCommitted.size() + " runs", medians(toCommitted),
                    "p50 / p99");
        }
    }

    /** On minus off in ms, p50 and p99; empty when either run has no usable figure. */
    private static Optional<double[]> differences(Latency on, Latency off) {
        if (on.count() == 0 || off.count() == 0 || on.p99() == Long.MAX_VALUE || off.p99() == Long.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new double[] { (on.p50() - off.p50()) / 1e6, (on.p99() - off.p99()) / 1e6 });
    }

    private static String medians(List<double[]> differences) {
        return String.format(Locale.ROOT, "%+,.1f / %+,.1f ms", median(differences, 0), median(differences, 1));
    }

    private static double median(List<double[]> differences, int index) {
        double[] sorted = differences.stream().mapToDouble(d -> d[index]).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String difference(Latency on, Latency off) {
        return differences(on, off).map(d -> String.format(Locale.ROOT, "%+,.1f / %+,.1f ms", d[0], d[1])).orElse("n/a");
    }

    // ---- 1. The tracker's throughput -------------------------------------------------------

    private void throughput(Path directory) throws Exception {
        long total = settings.eventClients() * 4L * settings.eventRounds();
        System.out.printf(Locale.ROOT, "  settings: %,d clients x %d requests x 4 stages (requested, applied, replicated, delivered; "
                + "%d clients under way at once) = %,d events pre-produced on %s (%d partitions); tracker with its defaults "
                + "(exactly_once_v2) except stuck-after 1h (replayed events are old)%n", settings.eventClients(), settings.eventRounds(),
                WINDOW, total, Topics.CHECKPOINT_EVENTS, PARTITIONS);
        Path state = Files.createTempDirectory("relay-bench-tracker-");
        try (LocalKafka kafka = LocalKafka.startTemporary()) {
            kafka.createTopic(Topics.CHECKPOINT_EVENTS, PARTITIONS);
            kafka.createTopic(Topics.CHECKPOINT_ALERTS, PARTITIONS);
            kafka.createTopic(Topics.TRACKER_CLIENTS, PARTITIONS, 1, Map.of("cleanup.policy", "compact"));
            LifecycleStream stream = new LifecycleStream(settings.eventClients(), WINDOW);
            try (KafkaProducer<String, byte[]> producer = producer(kafka);
                    GroupOffsets offsets = new GroupOffsets(kafka, TRACKER_GROUP, Topics.CHECKPOINT_EVENTS)) {
                long producing = System.nanoTime();
                AtomicReference<Exception> failure = new AtomicReference<>();
                for (long i = 0; i < total; i++) {
                    LifecycleStream.Keyed next = stream.next();
                    producer.send(new ProducerRecord<>(Topics.CHECKPOINT_EVENTS, next.key(), LifecycleJson.toBytes(next.event())),
                            (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                }
                            });
                }
                producer.flush();
                if (failure.get() != null) {
                    throw new IllegalStateException("producing the events failed", failure.get());
                }
                long produced = System.nanoTime() - producing;
                figures.rate(NAME, "pre-produce the events", Figures.perSecond(total, produced), "events/s", String.format(Locale.ROOT,
                        "%,d events in %s by one producer in this JVM (acks=all), the broker in this JVM too", total,
                        Figures.millis(produced)));

                ServiceProcess tracker = startTracker(kafka, state, directory);
                try {
                    double catchUp = catchUp(tracker, offsets, total);
                    double rate = settings.eventRate() > 0 ? settings.eventRate() : Math.max(1, STEADY_FRACTION * catchUp);
                    steady(tracker, producer, offsets, stream, rate);
                } finally {
                    tracker.stop();
                }
            }
        } finally {
            Directories.deleteRecursively(state);
        }
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Launches the packaged tracker without waiting: the catch-up is timed from its first commit. */
    private ServiceProcess startTracker(LocalKafka kafka, Path state, Path directory) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("relay.jwt.secret", DevSecret.generate());
        config.put("kafka-streams.state.dir", state.toString());
        // The pre-produced events are minutes old when folded: with the default, clients waiting at a check would read as stuck.
        config.put("relay.tracker.stuck-after", "1h");
        ServiceProcess tracker = ServiceProcess.quarkusApp(RelayService.CHECKPOINT_TRACKER.moduleName(),
                home.serviceJar(RelayService.CHECKPOINT_TRACKER), config, Ports.free(), directory.resolve("logs/checkpoint-tracker.log"));
        System.out.printf("  starting checkpoint-tracker (log %s) ...%n", tracker.logFile());
        tracker.launch();
        return tracker;
    }

    /** Waits until the tracker committed every event; returns the events per second from its first commit to its last. */
    private double catchUp(ServiceProcess tracker, GroupOffsets offsets, long total) throws Exception {
        long launched = System.nanoTime();
        long deadline = launched + CATCH_UP_TIMEOUT.toNanos();
        long firstAt = 0;
        long firstCount = 0;
        long firstCpu = 0;
        long firstKafkaCpu = 0;
        long halfAt = 0;
        long doneAt;
        while (true) {
            if (!tracker.isAlive()) {
                throw new IllegalStateException("checkpoint-tracker exited; see " + tracker.logFile());
            }
            long committed = GroupOffsets.sum(offsets.committed());
            long now = System.nanoTime();
            if (firstAt == 0 && committed > 0) {
                firstAt = now;
                firstCount = committed;
                firstCpu = CpuTime.of(tracker.pid(), false);
                firstKafkaCpu = CpuTime.of(ProcessHandle.current().pid(), false);
                System.out.printf(Locale.ROOT, "  first commit %s after launch (%,d events); catching up ...%n",
                        Figures.millis(now - launched), committed);
            }
            if (halfAt == 0 && committed >= total / 2) {
                halfAt = now;
            }
            if (committed >= total) {
                doneAt = now;
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException(String.format(Locale.ROOT, "checkpoint-tracker committed %,d of %,d events within %d s; "
                        + "see %s", committed, total, CATCH_UP_TIMEOUT.toSeconds(), tracker.logFile()));
            }
            Thread.sleep(SAMPLE_MILLIS);
        }
        long cpu = CpuTime.of(tracker.pid(), false) - firstCpu;
        long kafkaCpu = CpuTime.of(ProcessHandle.current().pid(), false) - firstKafkaCpu;
        long counted = total - firstCount;
        long wall = doneAt - firstAt;
        double rate = Figures.perSecond(counted, wall);
        double secondHalf = halfAt > firstAt && doneAt > halfAt ? Figures.perSecond(total - total / 2, doneAt - halfAt) : rate;
        figures.rate(NAME, "tracker catch-up: events folded", rate, "events/s", String.format(Locale.ROOT,
                "%,d events from its first commit to lag 0 in %s (consumer group %s, committed vs. end offsets); second half %,.0f/s; "
                        + "launch to lag 0 %s", counted, Figures.millis(wall), TRACKER_GROUP, secondHalf,
                Figures.millis(doneAt - launched)));
        figures.add(NAME, "  tracker CPU while catching up", String.format(Locale.ROOT, "%,.0f us/event", cpu / 1e3 / counted),
                String.format(Locale.ROOT, "checkpoint-tracker %.1f s CPU in %.1f s (%.0f %% of a core); benchmark JVM with Kafka "
                        + "%.1f s; %d cores; %s", cpu / 1e9, wall / 1e9, 100.0 * cpu / wall, kafkaCpu / 1e9,
                        Runtime.getRuntime().availableProcessors(), Benchmarks.loadAverage()));
        return rate;
    }

    /**
     * Events sent at a fixed rate (the next rounds of the same clients) for the measured window;
     * every {@value #SAMPLE_MILLIS} ms the lag in time: the age of the oldest event the tracker
     * has not committed, by partition offsets (the time it was due is noted per offset).
     */
    private void steady(ServiceProcess tracker, KafkaProducer<String, byte[]> producer, GroupOffsets offsets, LifecycleStream stream,
            double rate) throws Exception {
        int seconds = uploads.seconds();
        long interval = Math.max(1, Math.round(1e9 / rate));
        int expected = (int) Math.ceil(seconds * 1e9 / interval) + 1;
        long[] base = offsets.ends();
        AtomicLongArray[] dueAt = new AtomicLongArray[base.length];
        for (int p = 0; p < base.length; p++) {
            dueAt[p] = new AtomicLongArray(expected);
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        System.out.printf(Locale.ROOT, "  steady: %,.0f events/s for %d s ...%n", rate, seconds);
        List<Long> lags = new ArrayList<>();
        Thread sampler = Thread.ofPlatform().daemon().name("bench-tracker-lag").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    long[] committed = offsets.committed();
                    long now = System.nanoTime();
                    long lag = 0;
                    for (int p = 0; p < committed.length; p++) {
                        long index = Math.max(0, committed[p] - base[p]);
                        long due = index < expected ? dueAt[p].get((int) index) : 0;
                        if (due != 0) {
                            lag = Math.max(lag, now - due);
                        }
                    }
                    synchronized (lags) {
                        lags.add(lag);
                    }
                    Thread.sleep(SAMPLE_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        });
        long begin = System.nanoTime();
        long end = begin + seconds * 1_000_000_000L;
        long cpuBefore = CpuTime.of(tracker.pid(), false);
        // Sends what is due, then sleeps a millisecond: rates of thousands per second need no finer clock.
        for (long k = 0; begin + k * interval < end; ) {
            long now = System.nanoTime();
            while (k < expected && begin + k * interval <= now && begin + k * interval < end) {
                long due = begin + k * interval;
                LifecycleStream.Keyed next = stream.next();
                producer.send(new ProducerRecord<>(Topics.CHECKPOINT_EVENTS, next.key(), LifecycleJson.toBytes(next.event())),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else {
                                long index = metadata.offset() - base[metadata.partition()];
                                if (index < expected) {
                                    dueAt[metadata.partition()].set((int) index, due);
                                }
                            }
                        });
                sent.incrementAndGet();
                k++;
            }
            LockSupport.parkNanos(1_000_000);
        }
        producer.flush();
        long lastDue = begin + (sent.get() - 1) * interval;
        long target = GroupOffsets.sum(base) + sent.get();
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        long caughtUp;
        while (true) {
            if (GroupOffsets.sum(offsets.committed()) >= target) {
                caughtUp = System.nanoTime();
                break;
            }
            if (System.nanoTime() > deadline || !tracker.isAlive()) {
                throw new IllegalStateException("checkpoint-tracker did not catch up after the steady phase; see " + tracker.logFile());
            }
            Thread.sleep(20);
        }
        long cpu = CpuTime.of(tracker.pid(), false) - cpuBefore;
        sampler.interrupt();
        sampler.join();
        if (failure.get() != null) {
            throw new IllegalStateException("the steady phase failed", failure.get());
        }
        long[] sorted;
        synchronized (lags) {
            lags.add(0L); // at least one sample
            sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        long wall = caughtUp - begin;
        figures.add(NAME, String.format(Locale.ROOT, "steady %,.0f events/s: tracker lag", rate),
                String.format(Locale.ROOT, "%s / %s", Figures.latency(Figures.percentile(sorted, 0.5)),
                        Figures.latency(Figures.percentile(sorted, 0.99))),
                String.format(Locale.ROOT, "p50 / p99, max %s: age of the oldest event not yet committed, sampled every %d ms "
                        + "(exactly_once_v2 commits every 100 ms); %,d events in %d s, all committed %s after the last was due",
                        Figures.latency(sorted[sorted.length - 1]), SAMPLE_MILLIS, sent.get(), seconds,
                        Figures.millis(Math.max(0, caughtUp - lastDue))));
        figures.add(NAME, "  tracker CPU at that rate", String.format(Locale.ROOT, "%.0f %% of a core", 100.0 * cpu / wall),
                String.format(Locale.ROOT, "%.1f s CPU in %.1f s, %,.0f us/event; %s", cpu / 1e9, wall / 1e9, cpu / 1e3 / sent.get(),
                        Benchmarks.loadAverage()));
    }

    // ---- 2. Upload latency with and without events ----------------------------------------------

    /** Returns the due-to-200 and due-to-committed latencies. */
    private Latency[] uploadLatency(Path directory, List<RelayService> emitters, boolean events, double rate, int entries)
            throws Exception {
        String mode = events ? "events on" : "events off";
        System.out.printf(Locale.ROOT, "  %s: starting the stack (PostgreSQL, Kafka in this JVM, upload-api, write-applier, sync-bridge, "
                + "checkpoint-tracker)%s ...%n", mode, events ? "" : " with relay.events.enabled=false on " + names(emitters));
        LocalStack.Builder builder = LocalStack.builder().home(home).logDirectory(directory.resolve(events ? "logs-events-on" : "logs-events-off"));
        if (!events) {
            // Only where the key exists: a service's relay.* configuration mapping refuses keys it does not know.
            emitters.forEach(service -> builder.config(service, "relay.events.enabled", "false"));
        }
        long starting = System.nanoTime();
        try (LocalStack stack = builder.start();
                CommitListener commits = CommitListener.start(stack.postgres(), LocalStack.DATABASE);
                UploadSender sender = new UploadSender(stack.uploadApiUri(), commits)) {
            System.out.printf("  stack ready in %s%n", Figures.millis(System.nanoTime() - starting));
            // The tracker's own cost is measured above; on a machine this small it would also take CPU from the write path.
            ServiceProcess tracker = stack.service(RelayService.CHECKPOINT_TRACKER);
            tracker.stop();
            System.out.println("  checkpoint-tracker stopped while uploads run (its cost is the figures above), so only emitting counts");
            List<WritingDevice> devices = new ArrayList<>();
            for (int i = 0; i < uploads.clients(); i++) {
                String user = "writer-" + i;
                devices.add(new WritingDevice(user, "writer-client-" + i, stack.tokens().issue(user, Duration.ofHours(2)), false));
            }
            UploadLoad.warmUp(stack, devices, sender, List.of(entries), uploads.warmupSeconds());
            String label = String.format(Locale.ROOT, "%s, %,.0f uploads/s, %d entr%s/upload", mode, rate, entries,
                    entries == 1 ? "y" : "ies");
            System.out.printf("  %s: %d s warm-up, %d s measured ...%n", label, uploads.warmupSeconds(), uploads.seconds());
            long failedBefore = sender.failed();
            Paced paced = UploadLoad.pace(devices, entries, rate, sender, uploads.warmupSeconds(), uploads.seconds(),
                    () -> StackCpu.of(stack));
            List<UploadSample> measured = paced.measured();
            int unanswered = UploadLoad.awaitAll(measured, s -> s.isAcknowledged() || s.failure() != null, UploadLoad.SETTLE_TIMEOUT);
            List<UploadSample> acknowledged = measured.stream().filter(UploadSample::isAcknowledged).toList();
            int uncommitted = UploadLoad.awaitAll(acknowledged, s -> s.committedNanos() != 0, UploadLoad.SETTLE_TIMEOUT);
            commits.check();
            Latency toAck = Latency.of(acknowledged, s -> s.ackNanos() - s.startNanos());
            Latency toCommit = Latency.of(acknowledged,
                    s -> s.committedNanos() == 0 ? Long.MAX_VALUE : s.committedNanos() - s.startNanos());
            long failed = sender.failed() - failedBefore;
            figures.add(NAME, label + ": due to 200", toAck.value(), String.format(Locale.ROOT,
                    "%s; %,d uploads due in %d s (%,.0f/s) after %d s warm-up, timed from when due (open loop)%s%s", toAck.note(),
                    measured.size(), uploads.seconds(), paced.sentRate(), uploads.warmupSeconds(),
                    uncommitted + unanswered > 0 ? String.format(Locale.ROOT, "; %,d unanswered and %,d not committed after %d s",
                            unanswered, uncommitted, UploadLoad.SETTLE_TIMEOUT.toSeconds()) : "",
                    failed == 0 ? "" : String.format(Locale.ROOT, "; %,d uploads FAILED, first: %s", failed, sender.firstFailure())));
            figures.add(NAME, "  due to committed", toCommit.value(), toCommit.note());
            figures.add(NAME, "  CPU in the window", "", paced.cpu());
            if (events) {
                System.out.println("  starting checkpoint-tracker again to check it reads every event ...");
                tracker.start();
            }
            emitted(stack, events);
            return new Latency[] { toAck, toCommit };
        }
    }

    /** The services' event counters; with events on, also whether the tracker consumed them all. */
    private void emitted(LocalStack stack, boolean events) throws Exception {
        double published = 0;
        double dropped = 0;
        List<String> perService = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (RelayService service : EMITTERS) {
            ServiceMetrics metrics = ServiceMetrics.scrape(stack.service(service).uri());
            OptionalDouble servicePublished = metrics.sum("relay_events_published_total");
            OptionalDouble serviceDropped = metrics.sum("relay_events_dropped_total");
            if (servicePublished.isEmpty() && serviceDropped.isEmpty()) {
                silent.add(service.moduleName());
                continue;
            }
            published += servicePublished.orElse(0);
            dropped += serviceDropped.orElse(0);
            perService.add(String.format(Locale.ROOT, "%s %,.0f published, %,.0f dropped", service.moduleName(),
                    servicePublished.orElse(0), serviceDropped.orElse(0)));
        }
        if (!events) {
            figures.add(NAME, "  lifecycle events emitted", String.format(Locale.ROOT, "%,.0f", published),
                    silent.size() == EMITTERS.size() ? "no emitter registered its relay_events_* metrics: events are off"
                            : String.join("; ", perService));
            return;
        }
        String consumed;
        try (GroupOffsets offsets = new GroupOffsets(stack.kafka(), TRACKER_GROUP, Topics.CHECKPOINT_EVENTS)) {
            long end = GroupOffsets.sum(offsets.ends());
            long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
            long committed = GroupOffsets.sum(offsets.committed());
            while (committed < end && System.nanoTime() < deadline) {
                Thread.sleep(200);
                committed = GroupOffsets.sum(offsets.committed());
            }
            consumed = String.format(Locale.ROOT, "checkpoint-tracker committed %,d of the %,d events on %s", committed, end,
                    Topics.CHECKPOINT_EVENTS);
        }
        figures.add(NAME, "  relay_events_dropped_total", String.format(Locale.ROOT, "%,.0f", dropped), String.format(Locale.ROOT,
                "%s (must be 0); %s; %s%s", dropped == 0 ? "OK" : "EVENTS LOST", String.join("; ", perService), consumed,
                silent.isEmpty() ? "" : "; " + String.join(" and ", silent) + " emit" + (silent.size() == 1 ? "s" : "")
                        + " no lifecycle events in this build (no relay_events_* metrics): "
                        + (silent.size() == 1 ? "its stages are" : "their stages are") + " missing here"));
    }

    /** The services whose package holds the relay-events library (and so the relay.events.* keys). */
    private List<RelayService> emitters() throws IOException {
        List<RelayService> emitters = new ArrayList<>();
        for (RelayService service : EMITTERS) {
            Path libraries = home.serviceJar(service).resolveSibling("lib").resolve("main");
            try (Stream<Path> files = Files.isDirectory(libraries) ? Files.list(libraries) : Stream.empty()) {
                if (files.anyMatch(file -> file.getFileName().toString().startsWith("io.checkpointrelay.relay-events-"))) {
                    emitters.add(service);
                }
            }
        }
        return emitters;
    }

    private static String names(List<RelayService> services) {
        return String.join(", ", services.stream().map(RelayService::moduleName).toList());
    }
}
