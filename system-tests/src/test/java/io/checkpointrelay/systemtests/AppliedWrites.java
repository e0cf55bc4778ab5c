package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.ServiceProcess;

/**
 * What the write path made of the devices' uploads, seen from PostgreSQL (the checkpoints rows,
 * {@link ListAudit}) and write-applier's metrics, and the guarantee every write-path test checks:
 * each acknowledged step applied exactly once, in order per client, and every checkpoint reached.
 */
final class AppliedWrites {

    private final LocalStack stack;
    private final ListAudit audit;
    private final UploadsTopic uploadsTopic;

    /** @param uploadsTopic read only when the check fails, to show whether a doubled step was also queued twice */
    AppliedWrites(LocalStack stack, ListAudit audit, UploadsTopic uploadsTopic) {
        this.stack = stack;
        this.audit = audit;
        this.uploadsTopic = uploadsTopic;
    }

    /**
     * Each device's checkpoints row reaches its last request id (so every batch before it was
     * consumed), and its list was written exactly with the names of its applied steps, once
     * each, in order.
     */
    void assertAppliedOnceInOrderAndCheckpointed(List<UploadingDevice> devices) throws Exception {
        Map<String, Long> behind = awaitCheckpoints(devices);
        Map<UUID, List<String>> written = audit.names(devices.stream().map(UploadingDevice::listId).toList());
        Map<String, String> wrong = new TreeMap<>();
        for (UploadingDevice device : devices) {
            List<String> names = written.get(device.listId());
            if (!names.equals(device.expectedNames())) {
                wrong.put(device.label(), "written " + names + ", expected " + device.expectedNames());
            }
        }
        if (!wrong.isEmpty()) {
            // Evidence: was a batch written twice also queued twice (a retry), or consumed twice?
            Map<String, List<String>> queued = uploadsTopic.batchIdsByListName();
            for (UploadingDevice device : devices) {
                List<String> notOnce = device.expectedNames().stream().filter(name -> queued.getOrDefault(name, List.of()).size() != 1)
                        .map(name -> name + " as " + queued.getOrDefault(name, List.of())).toList();
                wrong.computeIfPresent(device.label(), (label, what) -> what + "; on " + Topics.UPLOADS + ": "
                        + (notOnce.isEmpty() ? "every step once" : notOnce));
            }
        }
        assertThat(wrong).as("lists not written exactly once per applied step, in order").isEmpty();
        assertThat(behind).as("checkpoint rows short of the last request id (device: stored checkpoint, -1 for none)").isEmpty();
    }

    /** One upload through the whole path, so that what follows meets warm JVMs rather than cold ones. */
    void warmUp(Duration pause) throws Exception {
        UploadingDevice device = new UploadingDevice(stack, "warm-up", 1, Set.of(), pause);
        device.run();
        assertThat(device.failure()).as("warm-up upload").isNull();
        assertThat(awaitCheckpoints(List.of(device))).as("warm-up checkpoint").isEmpty();
    }

    /** Waits until every device's checkpoint row holds its last request id; answers those that never got there. */
    Map<String, Long> awaitCheckpoints(List<UploadingDevice> devices) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, Long> stored = checkpoints(devices);
            Map<String, Long> behind = new TreeMap<>();
            for (UploadingDevice device : devices) {
                long checkpoint = stored.getOrDefault(device.clientId(), -1L);
                if (checkpoint != device.lastCheckpointRequestId()) {
                    behind.put(device.label(), checkpoint);
                }
            }
            if (behind.isEmpty() || System.nanoTime() > deadline) {
                return behind;
            }
            Thread.sleep(50);
        }
    }

    /** The stored checkpoint per client id of the devices. */
    Map<String, Long> checkpoints(List<UploadingDevice> devices) throws SQLException {
        Map<String, Long> checkpoints = new HashMap<>();
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement query = db.prepareStatement("SELECT client_id, checkpoint FROM checkpoints WHERE user_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", devices.stream().map(UploadingDevice::userId).toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    checkpoints.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return checkpoints;
    }

    /**
     * write-applier's settled records by outcome ({@code relay_applier_records_total}) since the
     * instance last started: shows which of its paths (redelivery, client retry, rejection) a fault took.
     */
    static Map<String, Long> applierOutcomes(ServiceProcess applier) {
        Map<String, Long> outcomes = new TreeMap<>();
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(applier.uri().resolve("/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher line = Pattern.compile("(?m)^relay_applier_records_total\\{.*outcome=\"([a-z_]+)\".*} ([0-9.E]+)$").matcher(metrics.body());
            while (line.find()) {
                outcomes.merge(line.group(1), (long) Double.parseDouble(line.group(2)), Long::sum);
            }
        } catch (IOException e) {
            outcomes.put("unavailable: " + e, 0L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return outcomes;
    }
}
