package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.checkpointrelay.protocol.upload.DeadLetter;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.ServiceProcess;
import io.checkpointrelay.stack.TestInfrastructure;
import io.checkpointrelay.stack.UsesTestInfrastructure;

/**
 * The write path's guarantees under faults, with the packaged services as processes: while
 * devices upload batch after batch through upload-api (retrying a batch that fails, as an SDK
 * does), write-applier is killed, the Kafka broker restarts, PostgreSQL restarts, records are
 * delivered twice, and poison records sit in a client's stream. Afterwards every acknowledged
 * batch is applied exactly once, in order per client (seen through {@link ListAudit}, since
 * row state cannot show a PUT applied twice), and every checkpoint request is fulfilled.
 *
 * <p>Scenarios share one stack and run in order; the poison ones go last, since an applier that
 * stops at a poison record would hold up everything after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@UsesTestInfrastructure
class WritePathFaultIT {

    private static final int DEVICES = 24;
    private static final int STEPS = 10;
    private static final Duration PAUSE = Duration.ofMillis(100);
    /** Fault injection point: this share of all steps acknowledged, the rest still to come. */
    private static final double FAULT_AT = 0.3;
    private static final Duration OUTAGE = Duration.ofSeconds(2);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static ListAudit audit;
    private static UploadsTopic uploadsTopic;
    private static AppliedWrites applied;

    @BeforeAll
    static void startStack() throws Exception {
        // A short delivery timeout makes upload-api answer 503 during a broker outage, and a
        // batch it gave up on may still have reached Kafka: the client's retry then duplicates it.
        // write-applier's partitions move to its restarted process only once the broker has
        // expired the killed consumer: after session.timeout.ms, 45 s by default.
        stack = TestStack.start(WritePathFaultIT.class, builder -> builder
                .config(RelayService.UPLOAD_API, "relay.upload.delivery-timeout", "3s")
                .config(RelayService.WRITE_APPLIER, "mp.messaging.incoming.uploads.session.timeout.ms", "10000")
                .config(RelayService.WRITE_APPLIER, "mp.messaging.incoming.uploads.heartbeat.interval.ms", "1000"));
        audit = ListAudit.install(stack);
        uploadsTopic = new UploadsTopic(stack);
        applied = new AppliedWrites(stack, audit, uploadsTopic);
        applied.warmUp(PAUSE);
    }

    @AfterAll
    static void stopStack() {
        if (uploadsTopic != null) {
            uploadsTopic.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * write-applier is killed while its transaction for a batch has written the batch's rows and
     * waits for the checkpoint row (which the test holds locked), so the kill lands mid-batch.
     */
    @Test
    @Order(1)
    void everyAcknowledgedBatchIsAppliedOnceAfterWriteApplierIsKilledMidBatch() throws Exception {
        List<UploadingDevice> devices = devices("kill", DEVICES, STEPS);
        ServiceProcess applier = stack.service(RelayService.WRITE_APPLIER);
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(FAULT_AT, WAIT);
            UploadingDevice victim = awaitDeviceWithCheckpointAndStepsToCome(devices);
            try (Connection lock = stack.postgres().connect(LocalStack.DATABASE)) {
                lock.setAutoCommit(false);
                lockCheckpointRow(lock, victim);
                String waiting = awaitStatementWaitingOn(lock);
                applier.kill();
                report("write-applier killed (SIGKILL) with " + load.acknowledged() + " steps acknowledged, " + appliedSteps(devices)
                        + " applied, its transaction for " + victim.label() + " waiting in: " + waiting);
                lock.rollback();
            }
            applier.start();
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            report("kill: " + load.totalSteps() + " steps, retries " + load.retries() + ", applier since restart " + applierOutcomes()
                    + ", " + seconds(started));
        } finally {
            if (!applier.isAlive()) {
                applier.start();
            }
        }
    }

    @Test
    @Order(2)
    void everyAcknowledgedBatchIsAppliedOnceAcrossAKafkaRestart() throws Exception {
        TestInfrastructure.assumeRestartable(stack.kafka());
        List<UploadingDevice> devices = devices("kafka", DEVICES, STEPS);
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(FAULT_AT, WAIT);
            long down = System.nanoTime();
            stack.kafka().stop();
            Thread.sleep(OUTAGE);
            stack.kafka().start();
            report("Kafka broker down for " + seconds(down) + " at " + load.acknowledged() + " steps acknowledged");
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            report("kafka: " + load.totalSteps() + " steps, retries " + load.retries() + ", applier so far " + applierOutcomes()
                    + ", " + seconds(started));
        } finally {
            stack.kafka().start();
        }
    }

    @Test
    @Order(3)
    void everyAcknowledgedBatchIsAppliedOnceAcrossAPostgresRestart() throws Exception {
        TestInfrastructure.assumeRestartable(stack.postgres());
        List<UploadingDevice> devices = devices("postgres", DEVICES, STEPS);
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(FAULT_AT, WAIT);
            long down = System.nanoTime();
            stack.postgres().stop();
            Thread.sleep(OUTAGE);
            stack.postgres().start();
            report("PostgreSQL down for " + seconds(down) + " at " + load.acknowledged() + " steps acknowledged");
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            report("postgres: " + load.totalSteps() + " steps, retries " + load.retries() + ", applier so far " + applierOutcomes()
                    + ", " + seconds(started));
        } finally {
            stack.postgres().start();
        }
    }

    /**
     * A record on Kafka twice (right after itself, or after the client's later batches, as a
     * slow upload-api instance could put it), and a client sending an acknowledged batch again
     * because it never saw the answer: each is applied once.
     */
    @Test
    @Order(4)
    void aBatchDeliveredTwiceIsAppliedOnce() throws Exception {
        int steps = 8;
        List<UploadingDevice> devices = new ArrayList<>();
        devices.addAll(devices("copy", 8, steps, device -> device.afterStep(3,
                (d, step) -> uploadsTopic.produceCopy(d.receipt(3).batchId()))));
        devices.addAll(devices("late-copy", 8, steps, device -> device.afterStep(5,
                (d, step) -> uploadsTopic.produceCopy(d.receipt(3).batchId()))));
        devices.addAll(devices("client-retry", 8, steps, device -> device.afterStep(3,
                (d, step) -> d.uploadAgain(3))));
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            report("duplicates: " + load.totalSteps() + " steps, applier so far " + applierOutcomes() + ", " + seconds(started));
        }
    }

    /**
     * Poison in a client's stream: bytes that are not a batch, and batches the database refuses
     * (a todo of a list that does not exist), in the middle and as the last batch. Each goes to
     * the dead-letter topic, a refused batch is recorded in upload_rejections with its checkpoint
     * request still fulfilled, and the client's later batches are applied.
     */
    @Test
    @Order(5)
    void poisonRecordsAreSetAsideAndTheClientsLaterBatchesApplied() throws Exception {
        int steps = 8;
        int poisonStep = 4;
        List<UploadingDevice> unreadable = devices("unreadable", 8, steps, device -> device.afterStep(3,
                (d, step) -> uploadsTopic.produceRaw(d.key(), unreadableValue(d))));
        List<UploadingDevice> refusedMidway = devices("refused-mid", 8, steps, Set.of(poisonStep));
        List<UploadingDevice> refusedLast = devices("refused-last", 8, steps, Set.of(steps));
        List<UploadingDevice> devices = new ArrayList<>();
        devices.addAll(unreadable);
        devices.addAll(refusedMidway);
        devices.addAll(refusedLast);
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
        }

        List<UploadingDevice> refused = new ArrayList<>(refusedMidway);
        refused.addAll(refusedLast);
        assertDeadLetters(unreadable, refused);
        assertRejectionRows(refused);
        report("poison: " + devices.size() * steps + " steps, applier so far " + applierOutcomes() + ", " + seconds(started));
    }

    /** One dead letter per poison record, under the client's key: the bytes as they were, or the refused batch. */
    /**
     * Two write-appliers share the uploads partitions in one consumer group; the first is killed
     * under load and the survivor takes over its partitions from the positions in PostgreSQL.
     */
    @Test
    @Order(6)
    void twoAppliersShareThePartitionsAndTheSurvivorOfAKillAppliesEverythingOnce() throws Exception {
        ServiceProcess first = stack.service(RelayService.WRITE_APPLIER);
        ServiceProcess second = stack.startExtraInstance(RelayService.WRITE_APPLIER);
        List<UploadingDevice> devices = devices("pair", DEVICES, STEPS);
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(FAULT_AT, WAIT);
            Map<String, Long> firstBefore = AppliedWrites.applierOutcomes(first);
            first.kill();
            report("first write-applier killed (SIGKILL) at " + load.acknowledged() + " steps acknowledged; it had settled " + firstBefore);
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            Map<String, Long> survivor = AppliedWrites.applierOutcomes(second);
            assertThat(survivor.getOrDefault("applied", 0L)).as("the second instance applied its share and took over").isPositive();
            report("pair: " + load.totalSteps() + " steps, retries " + load.retries() + ", survivor settled " + survivor + ", "
                    + seconds(started));
        } finally {
            if (!first.isAlive()) {
                first.start();
            }
        }
    }

    /**
     * Two upload-api instances take a client's attempts in turn (a round-robin load balancer);
     * one is killed under load. Clients retry on the other: every acknowledged batch is applied
     * once, in order, whichever instance queued it.
     */
    @Test
    @Order(7)
    void twoUploadApisServeTheClientsAndTheSurvivorOfAKillTakesTheirRetries() throws Exception {
        ServiceProcess first = stack.service(RelayService.UPLOAD_API);
        ServiceProcess second = stack.startExtraInstance(RelayService.UPLOAD_API);
        List<UploadingDevice> devices = UploadingDevice.group(stack, "apis", DEVICES, STEPS, Set.of(), PAUSE,
                device -> device.through(List.of(first.uri(), second.uri())));
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices)) {
            load.awaitAcknowledged(FAULT_AT, WAIT);
            first.kill();
            report("first upload-api killed (SIGKILL) at " + load.acknowledged() + " steps acknowledged");
            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            assertThat(load.retries()).as("attempts on the killed instance were retried on the other").isNotEmpty();
            report("apis: " + load.totalSteps() + " steps, retries " + load.retries() + ", " + seconds(started));
        } finally {
            if (!first.isAlive()) {
                first.start();
            }
        }
    }

    private static void assertDeadLetters(List<UploadingDevice> unreadable, List<UploadingDevice> refused) {
        Map<String, UploadingDevice> byKey = new HashMap<>();
        unreadable.forEach(d -> byKey.put(d.key().toKafkaKey(), d));
        refused.forEach(d -> byKey.put(d.key().toKafkaKey(), d));
        List<ConsumerRecord<String, byte[]>> records = uploadsTopic.deadLetters(read -> read.stream()
                .map(ConsumerRecord::key).filter(byKey::containsKey).distinct().count() == byKey.size());
        Map<String, List<DeadLetter>> letters = new TreeMap<>();
        records.stream().filter(r -> byKey.containsKey(r.key()))
                .forEach(r -> letters.computeIfAbsent(byKey.get(r.key()).label(), l -> new ArrayList<>()).add(DeadLetter.fromBytes(r.value())));
        assertThat(letters.keySet()).as("devices with a dead letter")
                .containsExactlyInAnyOrderElementsOf(byKey.values().stream().map(UploadingDevice::label).toList());
        for (UploadingDevice device : unreadable) {
            assertThat(letters.get(device.label())).as("dead letters of " + device).singleElement().satisfies(letter -> {
                assertThat(letter.batch()).isNull();
                assertThat(new String(letter.rawValue(), StandardCharsets.UTF_8)).isEqualTo(unreadableValue(device));
                assertThat(letter.reason()).isNotBlank();
            });
        }
        for (UploadingDevice device : refused) {
            int step = device.poisonStep();
            assertThat(letters.get(device.label())).as("dead letters of " + device).singleElement().satisfies(letter -> {
                assertThat(letter.batch().batchId()).isEqualTo(device.receipt(step).batchId());
                assertThat(letter.batch().entries()).isEqualTo(device.entries(step));
                assertThat(letter.reason()).isNotBlank();
            });
        }
    }

    /** One upload_rejections row per refused batch, for its user, naming the batch, its request id and its entries. */
    private static void assertRejectionRows(List<UploadingDevice> refused) throws Exception {
        Map<String, List<Rejection>> rejections = rejections(refused);
        for (UploadingDevice device : refused) {
            int step = device.poisonStep();
            assertThat(rejections.get(device.clientId())).as("upload_rejections of " + device).singleElement().satisfies(r -> {
                assertThat(r.userId()).isEqualTo(device.userId());
                assertThat(r.batchId()).isEqualTo(device.receipt(step).batchId());
                assertThat(r.checkpointRequestId()).isEqualTo((long) step);
                assertThat(r.reason()).isNotBlank();
                assertThat(r.deadLetter()).isNotBlank();
                // The batch's entries as a JSON array, for the app to show what was undone.
                assertThat(r.entriesType()).as("jsonb_typeof(entries)").isEqualTo("array");
                assertThat(r.entries()).as("entries").isEqualTo(JSON.readTree(JSON.writeValueAsString(device.entries(step))));
            });
        }
    }

    private static String unreadableValue(UploadingDevice device) {
        return "not a batch, from " + device.label();
    }

    private static List<UploadingDevice> devices(String group, int count, int steps) {
        return devices(group, count, steps, Set.of());
    }

    private static List<UploadingDevice> devices(String group, int count, int steps, Set<Integer> poisonSteps) {
        return devices(group, count, steps, poisonSteps, device -> {
        });
    }

    private static List<UploadingDevice> devices(String group, int count, int steps, Consumer<UploadingDevice> setup) {
        return devices(group, count, steps, Set.of(), setup);
    }

    private static List<UploadingDevice> devices(String group, int count, int steps, Set<Integer> poisonSteps,
            Consumer<UploadingDevice> setup) {
        return UploadingDevice.group(stack, group, count, steps, poisonSteps, PAUSE, setup);
    }

    /** A device with a checkpoint row (so it can be locked) and at least two steps still to upload. */
    private static UploadingDevice awaitDeviceWithCheckpointAndStepsToCome(List<UploadingDevice> devices) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> stored = applied.checkpoints(devices);
            for (UploadingDevice device : devices) {
                if (stored.containsKey(device.clientId()) && device.acknowledgedSteps() < device.steps() - 1) {
                    return device;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no device had a checkpoint row and steps to come within " + WAIT.toSeconds() + " s");
    }

    private static void lockCheckpointRow(Connection lock, UploadingDevice device) throws SQLException {
        try (PreparedStatement select = lock.prepareStatement("SELECT 1 FROM checkpoints WHERE user_id = ? AND client_id = ? FOR UPDATE")) {
            select.setString(1, device.userId());
            select.setString(2, device.clientId());
            select.executeQuery().close();
        }
    }

    /** Waits until another session's statement waits for a lock {@code lock} holds; answers that statement. */
    private static String awaitStatementWaitingOn(Connection lock) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Connection observer = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement waiting = observer.prepareStatement(
                        "SELECT query FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))")) {
            waiting.setInt(1, backendPid(lock));
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = waiting.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1).replaceAll("\\s+", " ");
                    }
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("write-applier did not reach the locked checkpoint row within " + WAIT.toSeconds() + " s");
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Steps applied so far over the devices, from their checkpoint rows (step n carries request id n). */
    private static long appliedSteps(List<UploadingDevice> devices) throws SQLException {
        return applied.checkpoints(devices).values().stream().mapToLong(Long::longValue).sum();
    }

    private record Rejection(String userId, String batchId, Long checkpointRequestId, String reason, String entriesType, JsonNode entries,
            String deadLetter) {
    }

    private static Map<String, List<Rejection>> rejections(List<UploadingDevice> devices) throws Exception {
        Map<String, List<Rejection>> rejections = new HashMap<>();
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement query = db.prepareStatement("SELECT client_id, user_id, batch_id, checkpoint_request_id, reason, "
                        + "jsonb_typeof(entries), entries::text, dead_letter FROM upload_rejections WHERE user_id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("text", devices.stream().map(UploadingDevice::userId).toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rejections.computeIfAbsent(rs.getString(1), c -> new ArrayList<>()).add(new Rejection(rs.getString(2), rs.getString(3),
                            rs.getObject(4, Long.class), rs.getString(5), rs.getString(6), JSON.readTree(rs.getString(7)), rs.getString(8)));
                }
            }
        }
        return rejections;
    }

    /** write-applier's settled records by outcome since it last started, see {@link AppliedWrites#applierOutcomes}. */
    private static Map<String, Long> applierOutcomes() {
        return AppliedWrites.applierOutcomes(stack.service(RelayService.WRITE_APPLIER));
    }

    private static String seconds(long startedNanos) {
        return "%.1f s".formatted((System.nanoTime() - startedNanos) / 1e9);
    }

    /** Figures for the build log: how hard each fault hit. */
    private static void report(String line) {
        System.out.println("[WritePathFaultIT] " + line);
    }
}
