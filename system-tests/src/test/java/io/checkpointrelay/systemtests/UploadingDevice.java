package io.checkpointrelay.systemtests;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.client.UploadClient;
import io.checkpointrelay.stack.demo.TodoListWrites;

/**
 * One device of a write load, uploading through upload-api the way a stock SDK's upload queue
 * does: one batch at a time, each carrying the next checkpoint request id, and a batch that
 * fails with a 5xx or a connection error is sent again unchanged (same entries, same op ids,
 * same request id) until it is acknowledged; only then comes the next one.
 *
 * <p>Step {@code n} (1..steps) renames the device's own list to {@code <label>-<n>} (a PUT of
 * the list) and adds a todo to it, in one local transaction, with checkpoint request id
 * {@code n}. A poison step instead adds a todo to a list that does not exist, which the
 * database refuses (foreign key), together with the rename, which must then not happen either.
 * With {@link ListAudit} the list's names show which steps were applied, how often and in what order.
 */
final class UploadingDevice {

    /** Something the test does once a step is acknowledged, before the device goes on. */
    interface AfterStep {
        void run(UploadingDevice device, int step) throws Exception;
    }

    /** Between attempts of a failed upload: short, so that a test does not wait on it. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    /** How long one batch may keep failing before the device gives up (and the test fails). */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(90);

    private final String label;
    private final String userId;
    private final String clientId = UUID.randomUUID().toString();
    private final UUID listId = UUID.randomUUID();
    private final int steps;
    private final Set<Integer> poisonSteps;
    private final Duration pause;
    private final String token;
    /** The upload-api instances, taken in turn one attempt each, as a round-robin load balancer would. */
    private volatile List<UploadClient> uploads;
    private final AtomicInteger attempts = new AtomicInteger();
    private final TodoListWrites writes;
    private final Map<Integer, List<CrudEntry>> batches = new ConcurrentHashMap<>();
    private final Map<Integer, UploadClient.Receipt> receipts = new ConcurrentHashMap<>();
    private final Map<Integer, AfterStep> afterSteps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> retries = new ConcurrentHashMap<>();
    private final AtomicLong longestUploadNanos = new AtomicLong();
    private volatile String failure;

    /**
     * @param label       unique in the test run: list names are {@code <label>-<step>}
     * @param poisonSteps steps the database refuses
     * @param pause       between acknowledged steps, as a user between edits
     */
    UploadingDevice(LocalStack stack, String label, int steps, Set<Integer> poisonSteps, Duration pause) {
        this.label = label;
        this.userId = label + "-" + UUID.randomUUID();
        this.steps = steps;
        this.poisonSteps = Set.copyOf(poisonSteps);
        this.pause = pause;
        this.token = stack.tokens().issue(userId, Duration.ofHours(1));
        this.uploads = List.of(new UploadClient(stack.uploadApiUri(), token));
        this.writes = new TodoListWrites(userId, 1);
    }

    /**
     * {@code count} devices labelled {@code <group>-01}, {@code <group>-02}, ...
     *
     * @param setup applied to each device before it is returned (an {@link #afterStep} action, say)
     */
    static List<UploadingDevice> group(LocalStack stack, String group, int count, int steps, Set<Integer> poisonSteps, Duration pause,
            Consumer<UploadingDevice> setup) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> {
            UploadingDevice device = new UploadingDevice(stack, "%s-%02d".formatted(group, i), steps, poisonSteps, pause);
            setup.accept(device);
            return device;
        }).toList();
    }

    /** Sends each attempt to the next of these upload-api instances in turn. */
    UploadingDevice through(List<URI> uploadApis) {
        uploads = uploadApis.stream().map(uri -> new UploadClient(uri, token)).toList();
        return this;
    }

    /** Runs {@code action} once step {@code step} is acknowledged; {@code step} must be before the last. */
    UploadingDevice afterStep(int step, AfterStep action) {
        if (step >= steps) {
            // Whatever the action queues must come before the last step, whose checkpoint then proves it was consumed.
            throw new IllegalArgumentException("an action after the last step could go unnoticed");
        }
        afterSteps.put(step, action);
        return this;
    }

    /** Uploads every step in order; returns early, with {@link #failure()} set, when a step cannot be delivered. */
    void run() {
        try {
            for (int step = 1; step <= steps; step++) {
                receipts.put(step, uploadUntilAcknowledged(step, batch(step)));
                AfterStep action = afterSteps.get(step);
                if (action != null) {
                    action.run(this, step);
                }
                Thread.sleep(pause);
            }
        } catch (Exception e) {
            failure = e.toString();
        }
    }

    /**
     * The client retry of an acknowledged step: its batch sent again, unchanged, as an SDK does
     * when the answer to the first attempt was lost.
     */
    UploadClient.Receipt uploadAgain(int step) throws IOException, InterruptedException {
        return uploadUntilAcknowledged(step, batch(step));
    }

    private UploadClient.Receipt uploadUntilAcknowledged(int step, List<CrudEntry> batch) throws IOException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + GIVE_UP_AFTER.toNanos();
        while (true) {
            try {
                List<UploadClient> instances = uploads;
                UploadClient.Receipt receipt = instances.get(attempts.getAndIncrement() % instances.size()).upload(clientId, (long) step, batch);
                longestUploadNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                return receipt;
            } catch (UploadClient.UploadRejectedException e) {
                if (e.status() < 500 || System.nanoTime() > deadline) {
                    throw e;
                }
                retried("HTTP " + e.status());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                retried(e.getClass().getSimpleName());
            }
            Thread.sleep(RETRY_PAUSE);
        }
    }

    private void retried(String reason) {
        retries.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    }

    /** The step's batch, made once: every attempt sends exactly the same entries. */
    private List<CrudEntry> batch(int step) {
        return batches.computeIfAbsent(step, s -> {
            TodoListWrites tx = writes.transaction();
            UUID todoList = poisonSteps.contains(s) ? UUID.randomUUID() : listId;
            return List.of(tx.newList(listId, name(s)), tx.newTodo(UUID.randomUUID(), todoList, "todo " + s));
        });
    }

    private String name(int step) {
        return label + "-" + step;
    }

    /** The list names the audit must show, in this order, each once: every step but the poison ones. */
    List<String> expectedNames() {
        List<String> names = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            if (!poisonSteps.contains(step)) {
                names.add(name(step));
            }
        }
        return names;
    }

    String label() {
        return label;
    }

    String userId() {
        return userId;
    }

    String clientId() {
        return clientId;
    }

    ClientKey key() {
        return new ClientKey(userId, clientId);
    }

    UUID listId() {
        return listId;
    }

    int steps() {
        return steps;
    }

    /** The one step the database refuses, for a device that has one. */
    int poisonStep() {
        if (poisonSteps.size() != 1) {
            throw new IllegalStateException(label + " has poison steps " + poisonSteps);
        }
        return poisonSteps.iterator().next();
    }

    /** The checkpoint request id of the last step, which the checkpoints row must reach. */
    long lastCheckpointRequestId() {
        return steps;
    }

    UploadClient.Receipt receipt(int step) {
        return receipts.get(step);
    }

    List<CrudEntry> entries(int step) {
        return batch(step);
    }

    int acknowledgedSteps() {
        return receipts.size();
    }

    boolean finished() {
        return receipts.size() == steps;
    }

    /** Why the device stopped early, or null. */
    String failure() {
        return failure;
    }

    /** Failed attempts by reason ("HTTP 503", "ConnectException", ...), sorted. */
    Map<String, Integer> retries() {
        Map<String, Integer> counts = new TreeMap<>();
        retries.forEach((reason, count) -> counts.put(reason, count.get()));
        return counts;
    }

    /** The longest a step took from its first attempt to its acknowledgement, retries included. */
    Duration longestUpload() {
        return Duration.ofNanos(longestUploadNanos.get());
    }

    @Override
    public String toString() {
        return label + " (user " + userId + ", client " + clientId + ")";
    }
}
