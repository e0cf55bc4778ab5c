package io.checkpointrelay.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.checkpointrelay.stack.LocalStack;

/**
 * The load of the write-path benchmarks ({@code uploads}, {@code tracker}): devices uploading
 * back to back as an SDK's upload queue does, or uploads due on a fixed schedule (open loop),
 * and the wait for what was sent to be answered, committed or covered.
 */
final class UploadLoad {

    /** How long uploads may take to be answered, committed or covered once the load stopped. */
    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);

    private UploadLoad() {
    }

    /** The uploads due within a fixed-rate window, the rate actually sent, and the CPU the stack used meanwhile. */
    record Paced(List<UploadSample> measured, double sentRate, String cpu) {
    }

    /**
     * Queues uploads on a fixed schedule, round robin over the devices, for {@code warmupSeconds}
     * and then the measured {@code seconds}; each sample starts when it was due. A device still
     * waiting for an answer sends its next upload after it, and that wait counts. Returns the
     * uploads due within the window.
     */
    static Paced pace(List<WritingDevice> devices, int entries, double rate, UploadSender sender, int warmupSeconds, int seconds,
            Supplier<StackCpu> cpuReading) {
        long interval = Math.max(1, Math.round(1e9 / rate));
        long begin = System.nanoTime();
        long from = begin + warmupSeconds * 1_000_000_000L;
        long to = from + seconds * 1_000_000_000L;
        List<UploadSample> measured = new ArrayList<>();
        StackCpu cpu = null;
        for (long k = 0; ; k++) {
            long due = begin + k * interval;
            if (due >= to) {
                break;
            }
            if (cpu == null && due >= from) {
                cpu = cpuReading.get();
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            UploadSample sample = devices.get((int) (k % devices.size())).upload(entries, due, sender).sample();
            if (due >= from) {
                measured.add(sample);
            }
        }
        String cpuUse = cpu == null ? "" : cpuReading.get().since(cpu, to - from);
        return new Paced(measured, measured.size() / (double) seconds, cpuUse);
    }

    /**
     * Freshly started JVMs run interpreted code at first: every batch size back to back for
     * {@code seconds}, not measured, then until write-applier has committed all of it.
     */
    static void warmUp(LocalStack stack, List<WritingDevice> devices, UploadSender sender, List<Integer> batchSizes, int seconds)
            throws InterruptedException {
        System.out.printf("  warming the services up: each batch size back to back for %d s, then until write-applier caught up ...%n",
                seconds);
        long started = System.nanoTime();
        for (int entries : batchSizes) {
            BackToBack load = BackToBack.start(devices, entries, sender);
            Thread.sleep(seconds * 1000L);
            load.stop();
            int uncommitted = awaitAll(load.acknowledged(), s -> s.committedNanos() != 0, SETTLE_TIMEOUT);
            if (uncommitted > 0) {
                throw new IllegalStateException(uncommitted + " uploads of the warm-up were not committed within "
                        + SETTLE_TIMEOUT.toSeconds() + " s; see " + stack.logDirectory().resolve("write-applier.log"));
            }
        }
        System.out.printf("  warmed up in %s%n", Figures.millis(System.nanoTime() - started));
    }

    /** Waits until every sample is {@code done}; returns how many are not when the time is up. */
    static int awaitAll(List<UploadSample> samples, Predicate<UploadSample> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int pending = (int) samples.stream().filter(done.negate()).count();
            if (pending == 0 || System.nanoTime() > deadline) {
                return pending;
            }
            Thread.sleep(20);
        }
    }

    /** Devices uploading one batch after the other, each sent when the previous one was answered, until stopped. */
    record BackToBack(Collection<UploadSample> samples, AtomicBoolean running, CountDownLatch stopped) {

        static BackToBack start(List<WritingDevice> devices, int entries, UploadSender sender) {
            BackToBack load = new BackToBack(new ConcurrentLinkedQueue<>(), new AtomicBoolean(true), new CountDownLatch(devices.size()));
            devices.forEach(device -> load.next(device, entries, sender));
            return load;
        }

        private void next(WritingDevice device, int entries, UploadSender sender) {
            WritingDevice.Upload upload = device.upload(entries, System.nanoTime(), sender);
            samples.add(upload.sample());
            upload.answered().thenRun(() -> {
                if (running.get()) {
                    next(device, entries, sender);
                } else {
                    stopped.countDown();
                }
            });
        }

        /** Sends nothing more; returns once every upload is answered, with that time (nanoTime). */
        long stop() throws InterruptedException {
            running.set(false);
            if (!stopped.await(SETTLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("uploads were still unanswered " + SETTLE_TIMEOUT.toSeconds() + " s after the load stopped");
            }
            return System.nanoTime();
        }

        List<UploadSample> acknowledged() {
            return samples.stream().filter(UploadSample::isAcknowledged).toList();
        }
    }
}
