package io.checkpointrelay.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.stack.demo.TodoListWrites;

/**
 * A device of the demo todo-list app that writes through upload-api: its user, client id and
 * token, its op ids and checkpoint request ids (one per upload, counting from 1). Like an SDK's
 * upload queue it sends one upload at a time, in order. With a sync stream
 * ({@link IdleStreams.LineListener}) it notes when the stream's {@code write_checkpoint} first
 * covers each upload, and the {@code checkpoint_complete} after that.
 */
final class WritingDevice implements IdleStreams.LineListener {

    private static final String WRITE_CHECKPOINT = "\"write_checkpoint\":\"";

    private final String userId;
    private final String clientId;
    private final String token;
    private final boolean streaming;
    private final TodoListWrites writes;
    private long nextRequestId = 1;
    private volatile long lastAcknowledged;
    private CompletableFuture<Void> queue = CompletableFuture.completedFuture(null);
    private final Deque<UploadSample> awaitingWriteCheckpoint = new ArrayDeque<>();
    private final List<UploadSample> awaitingComplete = new ArrayList<>();
    private boolean streamEnded;

    /** @param streaming whether this device's sync stream reports to it */
    WritingDevice(String userId, String clientId, String token, boolean streaming) {
        this.userId = userId;
        this.clientId = clientId;
        this.token = token;
        this.streaming = streaming;
        this.writes = new TodoListWrites(userId, 1);
    }

    String userId() {
        return userId;
    }

    String clientId() {
        return clientId;
    }

    String token() {
        return token;
    }

    /** The greatest checkpoint request id upload-api acknowledged for this device (0: none yet). */
    long lastAcknowledged() {
        return lastAcknowledged;
    }

    /** Called once upload-api answered 200 to an upload of this device (uploads are answered in order). */
    void acknowledged(UploadSample sample) {
        lastAcknowledged = Math.max(lastAcknowledged, sample.requestId());
    }

    /**
     * Queues the next upload: a new list with {@code entries - 1} todos in it, as one local
     * transaction, with the next checkpoint request id. It is sent once this device's previous
     * upload has been answered.
     *
     * @param startNanos when the upload is due (see {@link UploadSample})
     * @return the upload, and when it has been answered (the future never fails)
     */
    synchronized Upload upload(int entries, long startNanos, UploadSender sender) {
        UUID list = UUID.randomUUID();
        writes.transaction();
        List<CrudEntry> batch = new ArrayList<>(entries);
        batch.add(writes.newList(list, "List " + nextRequestId + " of " + clientId));
        for (int i = 1; i < entries; i++) {
            batch.add(writes.newTodo(UUID.randomUUID(), list, "Todo " + i));
        }
        UploadSample sample = new UploadSample(list.toString(), nextRequestId++, entries, startNanos);
        if (streamEnded) {
            sample.streamLost();
        } else if (streaming) {
            awaitingWriteCheckpoint.addLast(sample);
        }
        // The batch is kept only until it is sent; the sample outlives it.
        queue = queue.thenCompose(previous -> sender.send(this, sample, batch));
        return new Upload(sample, queue);
    }

    record Upload(UploadSample sample, CompletableFuture<Void> answered) {
    }

    @Override
    public void onLine(String line, long receivedNanos) {
        if (line.startsWith("{\"checkpoint_complete\"")) {
            synchronized (this) {
                awaitingComplete.forEach(sample -> sample.checkpointComplete(receivedNanos));
                awaitingComplete.clear();
            }
        } else if (line.startsWith("{\"checkpoint\":") || line.startsWith("{\"checkpoint_diff\":")) {
            long writeCheckpoint = writeCheckpoint(line);
            synchronized (this) {
                while (!awaitingWriteCheckpoint.isEmpty() && awaitingWriteCheckpoint.peekFirst().requestId() <= writeCheckpoint) {
                    UploadSample sample = awaitingWriteCheckpoint.removeFirst();
                    sample.writeCheckpoint(receivedNanos);
                    awaitingComplete.add(sample);
                }
            }
        }
    }

    @Override
    public synchronized void onEnd(String why) {
        streamEnded = true;
        awaitingWriteCheckpoint.forEach(UploadSample::streamLost);
        awaitingWriteCheckpoint.clear();
        awaitingComplete.forEach(UploadSample::streamLost);
        awaitingComplete.clear();
    }

    /** The {@code write_checkpoint} of a checkpoint line (a decimal string), 0 when it has none. */
    static long writeCheckpoint(String line) {
        int at = line.indexOf(WRITE_CHECKPOINT);
        if (at < 0) {
            return 0;
        }
        int from = at + WRITE_CHECKPOINT.length();
        return Long.parseLong(line, from, line.indexOf('"', from), 10);
    }
}
