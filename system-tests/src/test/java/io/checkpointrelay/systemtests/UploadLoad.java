package io.checkpointrelay.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Devices uploading at the same time, each on its own (virtual) thread. */
final class UploadLoad implements AutoCloseable {

    private final List<UploadingDevice> devices;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private UploadLoad(List<UploadingDevice> devices) {
        this.devices = List.copyOf(devices);
    }

    static UploadLoad start(List<UploadingDevice> devices) {
        UploadLoad load = new UploadLoad(devices);
        devices.forEach(device -> load.threads.execute(device::run));
        return load;
    }

    /** Steps acknowledged so far, over all devices. */
    int acknowledged() {
        return devices.stream().mapToInt(UploadingDevice::acknowledgedSteps).sum();
    }

    int totalSteps() {
        return devices.stream().mapToInt(UploadingDevice::steps).sum();
    }

    /** Waits until a share of all steps is acknowledged: the moment to inject a fault under load. */
    void awaitAcknowledged(double share, Duration timeout) throws InterruptedException {
        int target = (int) Math.ceil(totalSteps() * share);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged() + " of " + totalSteps() + " steps were acknowledged within "
                        + timeout.toSeconds() + " s; failures: " + failures());
            }
            Thread.sleep(10);
        }
    }

    /** Waits until every device is done, and fails unless each had every step acknowledged. */
    void awaitFinished(Duration timeout) throws InterruptedException {
        threads.shutdown();
        if (!threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the devices were still uploading after " + timeout.toSeconds() + " s: "
                    + acknowledged() + " of " + totalSteps() + " steps acknowledged");
        }
        Map<String, String> failures = failures();
        if (!failures.isEmpty()) {
            throw new AssertionError("devices stopped before their last step: " + failures);
        }
    }

    /** Failed upload attempts over all devices, by reason: how much the fault was felt. */
    Map<String, Integer> retries() {
        Map<String, Integer> total = new TreeMap<>();
        devices.forEach(device -> device.retries().forEach((reason, count) -> total.merge(reason, count, Integer::sum)));
        return total;
    }

    /** The longest any step took from its first attempt to its acknowledgement: how long the fault held a user up. */
    Duration longestUpload() {
        return devices.stream().map(UploadingDevice::longestUpload).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private Map<String, String> failures() {
        return devices.stream().filter(d -> d.failure() != null)
                .collect(Collectors.toMap(UploadingDevice::label, UploadingDevice::failure, (a, b) -> a, TreeMap::new));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
