package io.checkpointrelay.stack.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.stack.LocalStack;
import io.checkpointrelay.stack.client.AppliedCheckpoint;
import io.checkpointrelay.stack.client.SyncStreamClient;
import io.checkpointrelay.stack.client.SyncedRow;
import io.checkpointrelay.stack.client.TrackerClient;
import io.checkpointrelay.stack.client.UploadClient;

/**
 * Two users, three devices, one running stack: each device uploads todo-list writes with a
 * checkpoint request id, and the demo shows each hop with its time: upload-api's
 * acknowledgement (queued on Kafka), write-applier's checkpoint row in PostgreSQL, and the sync
 * stream's checkpoint carrying that id as {@code write_checkpoint}, with the rows the device
 * now holds. Devices (client ids, op ids) are kept in the data directory, so a second run
 * continues where the first stopped: checkpoint request ids go on from the stored checkpoint.
 */
public final class Demo {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHECKPOINTS_TABLE = "checkpoints";

    private final DemoTarget target;
    private final PrintStream out;
    private final Path devicesFile;
    private final Properties devices = new Properties();
    private final List<StepResult> results = new ArrayList<>();
    private int run;

    public Demo(LocalStack stack, PrintStream out) {
        this(DemoTarget.of(stack), out);
    }

    public Demo(DemoTarget target, PrintStream out) {
        this.target = target;
        this.out = out;
        this.devicesFile = target.dataDirectory().resolve("demo-devices.properties");
    }

    private record StepResult(String device, long checkpoint, int entries, long ackMs, long appliedMs, long syncedMs, long lastOpId) {
    }

    public void run() throws Exception {
        Files.createDirectories(target.dataDirectory());
        loadDevices();
        run = Integer.parseInt(devices.getProperty("runs", "0")) + 1;
        devices.setProperty("runs", Integer.toString(run));
        saveDevices();
        try (Connection db = target.database().connect();
                Device alicePhone = new Device("alice", "phone", db);
                Device aliceLaptop = new Device("alice", "laptop", db);
                Device bobPhone = new Device("bob", "phone", db)) {
            heading("Devices connect to sync-bridge (run " + run + " of this data directory)");
            for (Device device : List.of(alicePhone, aliceLaptop, bobPhone)) {
                device.connect();
            }

            heading("Writes: upload -> Kafka -> PostgreSQL -> replication -> sync stream");
            UUID groceries = UUID.randomUUID();
            UUID milk = UUID.randomUUID();
            UUID bread = UUID.randomUUID();
            String listName = run == 1 ? "Groceries" : "Groceries #" + run;
            step(db, alicePhone, "creates list '" + listName + "' with todos 'Milk' and 'Bread'", groceries,
                    w -> List.of(w.newList(groceries, listName), w.newTodo(milk, groceries, "Milk"), w.newTodo(bread, groceries, "Bread")));

            UUID garage = UUID.randomUUID();
            String garageName = run == 1 ? "Garage" : "Garage #" + run;
            step(db, bobPhone, "creates list '" + garageName + "' with todo 'Fix the bike'", garage,
                    w -> List.of(w.newList(garage, garageName), w.newTodo(UUID.randomUUID(), garage, "Fix the bike")));

            aliceLaptop.sync.awaitRows(rows -> has(rows, "lists", groceries), "list " + groceries, WAIT);
            out.printf("%nalice/laptop has synced '%s' from alice/phone, so it can add to it%n", listName);
            UUID coffee = UUID.randomUUID();
            step(db, aliceLaptop, "adds todo 'Coffee' to '" + listName + "' and ticks off 'Milk'", groceries,
                    w -> List.of(w.newTodo(coffee, groceries, "Coffee"), w.completeTodo(milk)));

            step(db, alicePhone, "deletes 'Bread'", groceries, w -> List.of(w.deleteTodo(bread)));

            heading("Who sees what");
            aliceLaptop.sync.awaitRows(rows -> !has(rows, "todos", bread), "'Bread' deleted", WAIT);
            alicePhone.sync.awaitRows(rows -> has(rows, "todos", coffee), "'Coffee'", WAIT);
            for (Device device : List.of(alicePhone, aliceLaptop, bobPhone)) {
                List<SyncedRow> rows = device.sync.rows();
                out.printf("%-13s %s; rows owned by alice: %d, by bob: %d%n", device.label, countRows(rows),
                        rows.stream().filter(r -> "alice".equals(owner(r))).count(),
                        rows.stream().filter(r -> "bob".equals(owner(r))).count());
            }
            long leaked = bobPhone.sync.rows().stream().filter(r -> !"bob".equals(owner(r))).count();
            if (leaked > 0) {
                throw new IllegalStateException("bob/phone holds " + leaked + " rows that are not bob's");
            }
            if (!sameRows(alicePhone.sync.rows(), aliceLaptop.sync.rows())) {
                throw new IllegalStateException("alice's two devices hold different rows");
            }
            out.println("-> alice's phone and laptop hold the same rows; bob holds only his own.");
            for (Device device : List.of(alicePhone, aliceLaptop, bobPhone)) {
                if (!device.sync.failures().isEmpty()) {
                    throw new IllegalStateException(device.label + ": " + device.sync.failures());
                }
            }
            out.println("-> every checkpoint's bucket checksums matched the ops each device received.");
            summary();
            offlineClientShowsAsStuckThenRecovers(db, bobPhone);
        }
    }

    /** One device's write: upload it, then watch each hop. */
    private void step(Connection db, Device device, String what, UUID list, Function<TodoListWrites, List<CrudEntry>> writes)
            throws Exception {
        long requestId = device.nextCheckpoint++;
        List<CrudEntry> batch = writes.apply(device.writes.transaction());
        out.printf("%n%s %s: %d %s, checkpoint request %d%n", device.label, what, batch.size(),
                batch.size() == 1 ? "entry" : "entries", requestId);
        long started = System.nanoTime();
        UploadClient.Receipt receipt = device.uploads.upload(device.clientId, requestId, batch);
        long ackMs = millisSince(started);
        device.save();
        out.printf("  %6d ms  upload-api acknowledged: queued on Kafka (batch %s)%n", ackMs, receipt.batchId());
        awaitStoredCheckpoint(db, device, requestId);
        long appliedMs = millisSince(started);
        out.printf("  %6d ms  write-applier applied it: checkpoints row for %s is %d%n", appliedMs, device.label, requestId);
        AppliedCheckpoint checkpoint = device.sync.awaitWriteCheckpoint(requestId, WAIT);
        long syncedMs = millisSince(started);
        out.printf("  %6d ms  sync stream: checkpoint %d with write_checkpoint %d, checksums valid%n", syncedMs,
                checkpoint.lastOpId(), checkpoint.writeCheckpoint());
        List<SyncedRow> rows = device.sync.rows();
        out.printf("  %s now holds %s; list %s:%n", device.label, countRows(rows), listName(rows, list));
        printList(rows, list);
        results.add(new StepResult(device.label, requestId, batch.size(), ackMs, appliedMs, syncedMs, checkpoint.lastOpId()));
    }

    private void awaitStoredCheckpoint(Connection db, Device device, long requestId) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (storedCheckpoint(db, device.user, device.clientId) < requestId) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("write-applier did not store checkpoint " + requestId + " for " + device.label
                        + " within " + WAIT.toSeconds() + " s; see " + target.logs().of("write-applier"));
            }
            Thread.sleep(10);
        }
    }

    private static long storedCheckpoint(Connection db, String user, String clientId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT checkpoint FROM " + CHECKPOINTS_TABLE + " WHERE user_id = ? AND client_id = ?")) {
            query.setString(1, user);
            query.setString(2, clientId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void summary() {
        heading("Summary (ms since the upload started)");
        out.printf("%-13s %10s %7s %10s %9s %8s %10s%n", "device", "checkpoint", "entries", "upload ack", "applied", "synced", "last_op_id");
        for (StepResult r : results) {
            out.printf("%-13s %10d %7d %10d %9d %8d %10d%n", r.device, r.checkpoint, r.entries, r.ackMs, r.appliedMs, r.syncedMs, r.lastOpId);
        }
    }

    /**
     * The operator's view: bob's phone goes offline with a write on its way, checkpoint-tracker
     * lists it as stuck (its write is replicated but cannot be delivered), and it recovers once
     * the phone reconnects. Ends with the tracker's per-stage latencies of the whole demo.
     */
    private void offlineClientShowsAsStuckThenRecovers(Connection db, Device phone) throws Exception {
        heading("Where every client waits (checkpoint-tracker, " + target.tracker() + ")");
        TrackerClient tracker = new TrackerClient(target.tracker(),
                target.tokens().issue("demo-operator", Duration.ofHours(1), Map.of("groups", List.of("relay-operator"))));
        phone.sync.disconnect();
        long requestId = phone.nextCheckpoint++;
        UUID list = UUID.randomUUID();
        phone.uploads.upload(phone.clientId, requestId, List.of(phone.writes.transaction().newList(list, "Written offline")));
        phone.save();
        awaitStoredCheckpoint(db, phone, requestId);
        out.printf("%s goes offline right after uploading checkpoint request %d; write-applier has applied it%n", phone.label, requestId);

        long offline = System.nanoTime();
        JsonNode stuck = awaitStuck(tracker, phone, true);
        out.printf("  %6d ms  tracker lists %s as stuck: request %s waits in '%s' (since %s)%n", millisSince(offline), phone.label,
                stuck.path("request_id").asText(), stuck.path("waiting_in").asText(), stuck.path("since").asText());
        phone.connect();
        phone.sync.awaitWriteCheckpoint(requestId, WAIT);
        awaitStuck(tracker, phone, false);
        JsonNode state = tracker.client(phone.user, phone.clientId);
        out.printf("  %6d ms  %s reconnected and received write_checkpoint %d; tracker: recovered, delivered %s%n",
                millisSince(offline), phone.label, requestId, state.path("delivered").path("request_id").asText());

        out.printf("%nPer-stage latency of every request in this demo (tracker timers, ms):%n");
        out.printf("  %-26s %8s %8s%n", "stages", "p50", "p99");
        tracker.stageLatencies().forEach((stages, p) -> out.printf("  %-26s %8.0f %8.0f%n", stages, p[0], p[1]));
    }

    /** Waits until the tracker does (or no longer does) list the device as stuck; returns its entry when it does. */
    private JsonNode awaitStuck(TrackerClient tracker, Device device, boolean stuck) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode entry = tracker.stuckEntry(device.user, device.clientId).orElse(null);
            if ((entry != null) == stuck) {
                return entry;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("checkpoint-tracker did not " + (stuck ? "list " : "clear ") + device.label
                + " as stuck within " + WAIT.toSeconds() + " s; see " + target.logs().of("checkpoint-tracker"));
    }

    private void heading(String text) {
        out.printf("%n== %s ==%n", text);
    }

    private void printList(List<SyncedRow> rows, UUID list) {
        rows.stream()
                .filter(r -> r.objectType().equals("todos") && list.toString().equals(r.data().path("list_id").asText()))
                .sorted(Comparator.comparing((SyncedRow r) -> r.data().path("created_at").asText()).thenComparing(r -> r.objectId()))
                .forEach(r -> out.printf("             [%s] %s%n", r.data().path("completed").asBoolean() ? "x" : " ",
                        r.data().path("description").asText()));
    }

    private static String listName(List<SyncedRow> rows, UUID list) {
        return rows.stream().filter(r -> r.objectType().equals("lists") && r.objectId().equals(list.toString()))
                .map(r -> "'" + r.data().path("name").asText() + "'").findFirst().orElse("(not synced)");
    }

    private static String countRows(List<SyncedRow> rows) {
        long lists = rows.stream().filter(r -> r.objectType().equals("lists")).count();
        long todos = rows.stream().filter(r -> r.objectType().equals("todos")).count();
        return lists + (lists == 1 ? " list, " : " lists, ") + todos + (todos == 1 ? " todo" : " todos");
    }

    private static boolean has(List<SyncedRow> rows, String type, UUID id) {
        return rows.stream().anyMatch(r -> r.objectType().equals(type) && r.objectId().equals(id.toString()));
    }

    private static boolean sameRows(List<SyncedRow> a, List<SyncedRow> b) {
        Function<List<SyncedRow>, List<String>> keys = rows -> rows.stream()
                .map(r -> r.objectType() + "/" + r.objectId() + "=" + r.data()).sorted().toList();
        return keys.apply(a).equals(keys.apply(b));
    }

    /** The user a row belongs to: {@code owner_id} of lists, {@code created_by} of todos. */
    private static String owner(SyncedRow row) {
        return row.data().path(row.objectType().equals("lists") ? "owner_id" : "created_by").asText();
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private void loadDevices() throws IOException {
        if (Files.isRegularFile(devicesFile)) {
            try (Reader reader = Files.newBufferedReader(devicesFile)) {
                devices.load(reader);
            }
        }
    }

    private synchronized void saveDevices() throws IOException {
        try (Writer writer = Files.newBufferedWriter(devicesFile)) {
            devices.store(writer, "Demo devices: client ids and the next op id of each (like a client's local database)");
        }
    }

    /** A device: its client id and op counter (kept across runs), an upload client and a sync stream. */
    private final class Device implements AutoCloseable {
        final String user;
        final String label;
        final String key;
        final String clientId;
        final TodoListWrites writes;
        final UploadClient uploads;
        final SyncStreamClient sync;
        long nextCheckpoint;

        Device(String user, String name, Connection db) throws IOException, SQLException {
            this.user = user;
            this.label = user + "/" + name;
            this.key = user + "." + name;
            this.clientId = devices.computeIfAbsent(key + ".client_id", k -> UUID.randomUUID().toString()).toString();
            this.writes = new TodoListWrites(user, Long.parseLong(devices.getProperty(key + ".next_op_id", "1")));
            String token = target.tokens().issue(user, Duration.ofHours(1));
            this.uploads = new UploadClient(target.uploadApi(), token);
            this.sync = new SyncStreamClient(target.sync(), token, clientId);
            this.nextCheckpoint = storedCheckpoint(db, user, clientId) + 1;
            save();
        }

        void connect() throws InterruptedException {
            long started = System.nanoTime();
            sync.connect();
            AppliedCheckpoint first = sync.awaitCheckpoint(c -> true, "any checkpoint", WAIT);
            out.printf("%-13s client %s: checkpoint %d applied in %d ms, %s, write_checkpoint %s; next checkpoint request %d%n",
                    label, clientId.substring(0, 8), first.lastOpId(), millisSince(started), countRows(sync.rows()),
                    first.writeCheckpoint() == null ? "none" : first.writeCheckpoint(), nextCheckpoint);
        }

        void save() throws IOException {
            devices.setProperty(key + ".next_op_id", Long.toString(writes.nextOpId()));
            saveDevices();
        }

        @Override
        public void close() throws InterruptedException {
            sync.close();
        }
    }
}
