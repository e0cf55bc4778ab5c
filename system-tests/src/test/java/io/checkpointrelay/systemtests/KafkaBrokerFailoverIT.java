package io.checkpointrelay.systemtests;

import static io.checkpointrelay.systemtests.TestStack.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.LocalKafka;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.TestInfrastructure;
import io.checkpointrelay.stack.UsesTestInfrastructure;

/**
 * The write path on a three-broker Kafka cluster (every topic replicated three times with
 * {@code min.insync.replicas=2}) that loses a broker under load, with the packaged services as
 * processes and the services' own Kafka settings. While devices upload batch after batch
 * through upload-api (retrying a batch that fails, as an SDK does), the leader of the busiest
 * {@value Topics#UPLOADS} partition is shut down; the devices go on uploading against the two
 * brokers left, the broker starts again while they upload, takes back the leadership of its
 * partitions, and the devices' last steps go through it. Afterwards every acknowledged batch is
 * applied exactly once, in order per client (seen through {@link ListAudit}), every checkpoint
 * request is fulfilled, and every service is ready.
 */
@UsesTestInfrastructure
class KafkaBrokerFailoverIT {

    private static final int DEVICES = 24;
    private static final int STEPS = 16;
    private static final Duration PAUSE = Duration.ofMillis(100);
    /** The leader is stopped once this share of all steps is acknowledged (step 4 on average). */
    private static final double STOP_AT = 0.25;
    /*
     * Each device waits after these steps for the next phase, so that every phase sees uploads
     * however slow the machine: steps after STOP_AT up to 6 meet the controlled shutdown, 7 to 10
     * two brokers, 11 to 13 the broker catching up again, 14 to 16 the broker leading again.
     */
    private static final int LAST_STEP_BEFORE_STOPPED = 6;
    private static final int LAST_STEP_WHILE_DOWN = 10;
    private static final int LAST_STEP_BEFORE_LEADING_AGAIN = 13;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(3);

    private static LocalStack stack;
    private static UploadsTopic uploadsTopic;
    private static AppliedWrites applied;

    @BeforeAll
    static void startStack() throws Exception {
        TestInfrastructure.assumeBrokerClusters();
        stack = TestStack.start(KafkaBrokerFailoverIT.class, builder -> builder.kafkaBrokers(3));
        uploadsTopic = new UploadsTopic(stack);
        applied = new AppliedWrites(stack, ListAudit.install(stack), uploadsTopic);
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

    @Test
    void noAcknowledgedUploadIsLostOrDoubledWhenTheLeaderOfTheBusiestPartitionStopsUnderLoad() throws Exception {
        LocalKafka kafka = (LocalKafka) stack.kafka();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch restarting = new CountDownLatch(1);
        CountDownLatch leadingAgain = new CountDownLatch(1);
        List<UploadingDevice> devices = UploadingDevice.group(stack, "failover", DEVICES, STEPS, Set.of(), PAUSE, device -> device
                .afterStep(LAST_STEP_BEFORE_STOPPED, (d, step) -> await(stopped, "the broker's shutdown"))
                .afterStep(LAST_STEP_WHILE_DOWN, (d, step) -> await(restarting, "the broker's restart"))
                .afterStep(LAST_STEP_BEFORE_LEADING_AGAIN, (d, step) -> await(leadingAgain, "the broker leading again")));
        long started = System.nanoTime();
        try (UploadLoad load = UploadLoad.start(devices); Admin admin = kafka.admin()) {
            load.awaitAcknowledged(STOP_AT, WAIT);
            Map<TopicPartition, Long> records = endOffsets();
            TopicPartition busiest = records.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            int broker = kafka.leader(busiest).orElseThrow();

            // Down: a controlled shutdown (as on SIGTERM) under load, while a watcher times the leader change.
            int acknowledgedAtStop = load.acknowledged();
            long stopping = System.nanoTime();
            CompletableFuture<Duration> leaderMoved = CompletableFuture.supplyAsync(() -> awaitLeader(admin, busiest, l -> l != broker, stopping));
            kafka.stopBroker(broker);
            Duration stopTook = since(stopping);
            Duration leaderChange = leaderMoved.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long endAfterStop = endOffsets().get(busiest);
            TopicPartitionInfo whileDown = partition(admin, busiest);
            report("busiest partition " + busiest + " (" + records.get(busiest) + " of " + records.values().stream().mapToLong(Long::longValue).sum()
                    + " records at " + acknowledgedAtStop + " steps acknowledged) led by broker " + broker + ": its controlled shutdown took "
                    + millis(stopTook) + ", the new leader (" + whileDown.leader().id() + ") was in place after " + millis(leaderChange)
                    + "; " + (load.acknowledged() - acknowledgedAtStop) + " steps acknowledged meanwhile, failed attempts so far " + load.retries());
            assertThat(whileDown.isr()).as("in-sync replicas of " + busiest + " while broker " + broker + " is down")
                    .extracting(Node::id).hasSize(2).doesNotContain(broker);
            stopped.countDown();

            // Two brokers: every device uploads up to LAST_STEP_WHILE_DOWN and waits there.
            load.awaitAcknowledged((double) LAST_STEP_WHILE_DOWN / STEPS, WAIT);
            long endWhileDown = endOffsets().get(busiest);
            report("two brokers for " + millis(since(stopping)) + ": " + (load.acknowledged() - acknowledgedAtStop)
                    + " steps acknowledged since the stop began, failed attempts so far " + load.retries());
            assertThat(endWhileDown).as("records appended to " + busiest + " (acks=all, two in-sync replicas) while broker " + broker
                    + " was down").isGreaterThan(endAfterStop);

            // Back while the devices upload their next steps; then it takes back the leadership of its partitions.
            restarting.countDown();
            long starting = System.nanoTime();
            kafka.startBroker(broker);
            Duration startTook = since(starting);
            int acknowledgedAtRestart = load.acknowledged();
            long electing = System.nanoTime();
            electPreferredLeaders(admin);
            Duration leadingAgainAfter = awaitLeader(admin, busiest, l -> l == broker, electing);
            report("broker " + broker + " back in sync " + millis(startTook) + " after its start (" + acknowledgedAtRestart
                    + " steps acknowledged by then), leading " + busiest + " again " + millis(leadingAgainAfter)
                    + " after the preferred leader election");
            leadingAgain.countDown();

            load.awaitFinished(LOAD_TIMEOUT);
            applied.assertAppliedOnceInOrderAndCheckpointed(devices);
            report(load.totalSteps() + " steps by " + DEVICES + " devices, failed attempts " + load.retries() + ", longest upload "
                    + millis(load.longestUpload()) + ", write-applier " + AppliedWrites.applierOutcomes(stack.service(RelayService.WRITE_APPLIER))
                    + ", " + millis(since(started)));
            assertThat(endOffsets().get(busiest)).as("records appended to " + busiest + " led by the restarted broker")
                    .isGreaterThan(endWhileDown);
            for (RelayService service : RelayService.values()) {
                stack.service(service).awaitReady(WAIT);
            }
        } finally {
            // A failed assertion must not leave the devices parked (closing the stack stops a broker still down).
            stopped.countDown();
            restarting.countDown();
            leadingAgain.countDown();
        }
    }

    /**
     * The end offset of each uploads partition: how many records it holds. A new Admin each
     * time: Kafka 4.1's Admin caches partition leaders for listOffsets and, once a cached leader
     * has left the cluster, waits default.api.timeout.ms (60 s) for it (KAFKA-20673).
     */
    private static Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException {
        try (Admin admin = stack.kafka().admin()) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.UPLOADS)).allTopicNames().get().get(Topics.UPLOADS)
                    .partitions().stream().map(p -> new TopicPartition(Topics.UPLOADS, p.partition())).toList();
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset(), (a, b) -> a,
                            () -> new TreeMap<>(Comparator.comparingInt(TopicPartition::partition))));
        }
    }

    private static TopicPartitionInfo partition(Admin admin, TopicPartition partition) throws ExecutionException, InterruptedException {
        TopicDescription topic = admin.describeTopics(List.of(partition.topic())).allTopicNames().get().get(partition.topic());
        return topic.partitions().get(partition.partition());
    }

    /** Polls the partition's leader until {@code wanted} holds for it; answers the time since {@code sinceNanos}. */
    private static Duration awaitLeader(Admin admin, TopicPartition partition, IntPredicate wanted, long sinceNanos) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                var leader = LocalKafka.leader(admin, partition);
                if (leader.isPresent() && wanted.test(leader.getAsInt())) {
                    return since(sinceNanos);
                }
                last = "leader " + leader;
                Thread.sleep(20);
            } catch (ExecutionException e) {
                last = String.valueOf(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(partition + " did not get the expected leader within " + WAIT.toSeconds() + " s: " + last);
    }

    /** What auto.leader.rebalance.enable would do some minutes later: each partition led by its first replica again. */
    private static void electPreferredLeaders(Admin admin) throws ExecutionException, InterruptedException {
        admin.electLeaders(ElectionType.PREFERRED, null).partitions().get().forEach((partition, failure) -> failure
                .filter(f -> !(f instanceof ElectionNotNeededException))
                .ifPresent(f -> {
                    throw new AssertionError("preferred leader election for " + partition + " failed", f);
                }));
    }

    /** In a device's step action: a failure the device records (so it is reported), not an Error that ends its thread. */
    private static void await(CountDownLatch latch, String what) throws InterruptedException, TimeoutException {
        if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new TimeoutException("waited " + WAIT.toSeconds() + " s for " + what);
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }

    /** Figures for the build log: how the failover was felt. */
    private static void report(String line) {
        System.out.println("[KafkaBrokerFailoverIT] " + line);
    }
}
