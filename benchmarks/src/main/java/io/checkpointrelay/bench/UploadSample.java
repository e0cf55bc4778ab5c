package io.checkpointrelay.bench;

/**
 * One upload of the write-path benchmark and when the benchmark saw each hop, as
 * {@link System#nanoTime()} (0: not seen yet). The batch's first entry creates a list whose id
 * names the upload when its commit is announced ({@link CommitListener}).
 *
 * @param startNanos when the upload was due: the request start of a client uploading one batch
 *                   after the other, the scheduled time at a fixed rate (so time spent waiting to
 *                   be sent counts too)
 */
final class UploadSample {

    private final String listId;
    private final long requestId;
    private final int entries;
    private final long startNanos;
    private volatile long ackNanos;
    private volatile long committedNanos;
    private volatile long writeCheckpointNanos;
    private volatile long checkpointCompleteNanos;
    private volatile String failure;
    private volatile boolean streamLost;

    UploadSample(String listId, long requestId, int entries, long startNanos) {
        this.listId = listId;
        this.requestId = requestId;
        this.entries = entries;
        this.startNanos = startNanos;
    }

    String listId() {
        return listId;
    }

    long requestId() {
        return requestId;
    }

    int entries() {
        return entries;
    }

    long startNanos() {
        return startNanos;
    }

    /** upload-api answered 200: the batch is on Kafka. */
    void acknowledged(long nanos) {
        ackNanos = nanos;
    }

    /** The transaction that applied the batch (and its checkpoint row) committed. */
    void committed(long nanos) {
        committedNanos = nanos;
    }

    /** The client's stream sent a checkpoint line whose write_checkpoint covers this upload. */
    void writeCheckpoint(long nanos) {
        writeCheckpointNanos = nanos;
    }

    /** The stream's checkpoint_complete after that line: a stock client applies the checkpoint now. */
    void checkpointComplete(long nanos) {
        checkpointCompleteNanos = nanos;
    }

    void failed(String why) {
        failure = why;
    }

    /** The device's sync stream ended before it covered this upload: it never will. */
    void streamLost() {
        streamLost = true;
    }

    boolean isStreamLost() {
        return streamLost;
    }

    long ackNanos() {
        return ackNanos;
    }

    long committedNanos() {
        return committedNanos;
    }

    long writeCheckpointNanos() {
        return writeCheckpointNanos;
    }

    long checkpointCompleteNanos() {
        return checkpointCompleteNanos;
    }

    String failure() {
        return failure;
    }

    boolean isAcknowledged() {
        return ackNanos != 0;
    }
}
