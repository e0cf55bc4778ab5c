package io.checkpointrelay.bridge.stream;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import io.checkpointrelay.bridge.bucket.BucketOp;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.BucketState;
import io.checkpointrelay.bridge.bucket.ResolvedBuckets;
import io.checkpointrelay.bridge.bucket.StorageSnapshot;
import io.checkpointrelay.bridge.checkpoint.CheckpointChanges;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.rules.RequestBuckets;
import io.checkpointrelay.bridge.stream.SyncLines.BucketLine;

/**
 * The state of one client's stream: what it has been told (checkpoint, bucket states, write
 * checkpoint) and how far it holds each bucket. Each wake-up becomes a {@link Run} that produces
 * the lines for the latest checkpoint one at a time, reading data pages only when the client is
 * ready for them. A newer checkpoint interrupts a long download: the run then sends its diff and
 * continues towards it from where the client is. Runs are used one after another, never
 * concurrently, so a stream holds at most one pooled connection at a time, each only for one query:
 * the read-ahead of a page is awaited before the next read.
 * <p>
 * Announced checkpoints that change none of its buckets, not its write checkpoint and (for
 * parameter queries) not the parameter index do not concern it ({@link #concernedBy}): the stream
 * then reads nothing, because the client would get no line from them.
 */
final class SyncSession {

    /** Limits of data lines. */
    record Limits(int maxOpsPerLine, int maxLineChars) {
    }

    private final BucketReader reader;
    private final Executor executor;
    private final String userId;
    private final String clientId;
    private final RequestBuckets buckets;
    private final Limits limits;
    private final SyncLines lines;
    private final LongConsumer delivered;

    /** The last op id the client holds per bucket. */
    private final Map<String, Long> clientAfter;
    private Map<String, BucketState> sentStates;
    /** Read by other threads too (waiting clients). */
    private volatile Long sentWriteCheckpoint;
    private long sentCheckpoint = -1;

    /** The buckets as of the last checkpoint read; looked up again only when the parameter index changed. */
    private ResolvedBuckets resolved;

    /** Guards {@link #watched}, {@link #skippedUpTo} and {@link #recheck}: announcements arrive on another thread. */
    private final Object watch = new Object();
    /** Names of the buckets of the last checkpoint read; null before the first: every announcement concerns it. */
    private Set<String> watched;
    /** The newest announced checkpoint that did not concern the buckets watched then. */
    private long skippedUpTo;
    /** The bucket list changed after checkpoints it ignored: read the checkpoint again before waiting. */
    private boolean recheck;
    /** The newest announced checkpoint that concerns this client: a newer one than sent interrupts downloads. */
    private volatile long concernedUpTo;
    private final AtomicLong checkpointReads = new AtomicLong();

    /**
     * @param executor         runs the read-ahead of data pages
     * @param buckets          the request's buckets; those found through the parameter index may
     *                         change from one checkpoint to the next
     * @param lines            writes the lines in the stream's format
     * @param delivered        told each write checkpoint the client is sent for the first time, as its line goes out
     */
    SyncSession(BucketReader reader, Executor executor, String userId, String clientId, RequestBuckets buckets,
            Map<String, Long> clientAfter, Limits limits, SyncLines lines, LongConsumer delivered) {
        this.reader = reader;
        this.executor = executor;
        this.userId = userId;
        this.clientId = clientId;
        this.buckets = buckets;
        this.clientAfter = new HashMap<>(clientAfter);
        this.limits = limits;
        this.lines = lines;
        this.delivered = delivered;
    }

    String clientId() {
        return clientId;
    }

    /** The write checkpoint last sent to the client (null: none yet). */
    Long sentWriteCheckpoint() {
        return sentWriteCheckpoint;
    }

    /**
     * Whether an announced checkpoint may change what this client must be told. Called on the
     * publishing thread, once per announcement, in order. An announcement it declines is
     * remembered, so that a bucket list that changes later is checked against it.
     */
    boolean concernedBy(CheckpointChanges changes) {
        synchronized (watch) {
            if (watched == null || changes.concerns(watched, userId, clientId, buckets.needsLookups())) {
                concernedUpTo = Math.max(concernedUpTo, changes.lastOpId());
                return true;
            }
            skippedUpTo = Math.max(skippedUpTo, changes.lastOpId());
            return false;
        }
    }

    /** How often this session read a checkpoint from storage. */
    long checkpointReads() {
        return checkpointReads.get();
    }

    /**
     * Watches the buckets of a checkpoint just read. When the list changed, announcements declined
     * after that checkpoint were judged by the old list: one of them may concern a new bucket.
     */
    private void watch(StorageSnapshot snapshot, boolean listChanged) {
        synchronized (watch) {
            if (watched == null || listChanged) {
                Set<String> names = new HashSet<>();
                snapshot.bucketList().forEach(bucket -> names.add(bucket.name()));
                if (watched != null && !watched.equals(names) && skippedUpTo > snapshot.lastOpId()) {
                    recheck = true;
                }
                watched = names;
            }
        }
    }

    /** True (once) when the checkpoint must be read again although no announcement asked for it. */
    private boolean takeRecheck() {
        synchronized (watch) {
            boolean again = recheck;
            recheck = false;
            return again;
        }
    }

    /** The lines for the current checkpoint; none when nothing changed for this client. */
    Run nextRun() {
        return new Run();
    }

    /** Lines of one checkpoint, produced on demand. */
    final class Run {

        private sealed interface Step {
        }

        /** @param writeCheckpoint the write checkpoint this line delivers first, or null */
        private record Line(byte[] text, Long writeCheckpoint) implements Step {
        }

        /** {@code partial_checkpoint_complete} or {@code checkpoint_complete}. */
        private record Complete(byte[] text) implements Step {
        }

        private record Download(String bucket, long upTo) implements Step {
        }

        private record Page(byte[] line, boolean hasMore) {
        }

        private record Prefetch(String bucket, long after, long upTo, CompletableFuture<List<BucketOp>> ops) {
        }

        private Deque<Step> steps;
        private Prefetch prefetch;
        /** Compaction moved ops sent in this run past its checkpoint: a later checkpoint must complete instead. */
        private boolean invalidated;
        /** Data lines sent since the last checkpoint line. */
        private int pagesSinceCheckpoint;

        /** The next line, or null when this checkpoint is complete. Blocking (reads storage). */
        synchronized byte[] next() throws SQLException {
            if (steps == null) {
                steps = plan();
            } else if (steps.peek() instanceof Download && newerCheckpointAnnounced()) {
                interrupt();
            }
            while (true) {
                if (steps.isEmpty()) {
                    if (!takeRecheck()) {
                        return null;
                    }
                    steps = plan();
                    continue;
                }
                Step step = steps.peek();
                if (step instanceof Line line) {
                    steps.poll();
                    if (line.writeCheckpoint() != null) {
                        delivered.accept(line.writeCheckpoint());
                    }
                    return line.text();
                }
                if (step instanceof Complete complete) {
                    steps.poll();
                    if (invalidated) {
                        continue; // as the reference service does; the newer checkpoint follows at once
                    }
                    return complete.text();
                }
                Download download = (Download) step;
                Page page = page(download);
                if (page == null || !page.hasMore()) {
                    steps.poll();
                }
                if (page != null) {
                    pagesSinceCheckpoint++;
                    return page.line();
                }
            }
        }

        /**
         * Whether a checkpoint newer than the one downloaded was announced that concerns this
         * client. Only after at least one data line since the last checkpoint line, so a download
         * progresses however often checkpoints come.
         */
        private boolean newerCheckpointAnnounced() {
            return pagesSinceCheckpoint > 0 && concernedUpTo > sentCheckpoint;
        }

        /**
         * Replaces the rest of this download by the newer checkpoint's lines: its diff (no
         * checkpoint_complete for the older one), then the ops from where the client is up to the
         * newer checkpoint. When the newer checkpoint changes nothing for this client, the download
         * goes on as it was.
         */
        private void interrupt() throws SQLException {
            awaitPrefetch(); // read up to the older checkpoint; also keeps to one connection at a time
            Deque<Step> newer = plan();
            if (!newer.isEmpty()) {
                steps = newer;
            }
        }

        private Deque<Step> plan() throws SQLException {
            Deque<Step> plan = new ArrayDeque<>();
            StorageSnapshot snapshot = reader.snapshot(buckets, resolved, userId, clientId);
            checkpointReads.incrementAndGet();
            boolean listChanged = snapshot.resolved() != resolved;
            resolved = snapshot.resolved();
            watch(snapshot, listChanged);
            boolean first = sentStates == null;
            if (!first && snapshot.lastOpId() <= sentCheckpoint) {
                return plan;
            }
            Map<String, BucketState> states = new LinkedHashMap<>();
            List<BucketLine> all = new ArrayList<>();
            List<BucketLine> updated = new ArrayList<>();
            for (BucketRef bucket : snapshot.bucketList()) {
                BucketState state = snapshot.bucket(bucket.name());
                states.put(bucket.name(), state);
                all.add(new BucketLine(state, bucket.priority()));
                BucketState sent = first ? null : sentStates.get(bucket.name());
                if (sent == null || sent.checksum() != state.checksum() || sent.count() != state.count()) {
                    updated.add(new BucketLine(state, bucket.priority()));
                }
            }
            List<String> removed = first ? List.of()
                    : sentStates.keySet().stream().filter(name -> !states.containsKey(name)).toList();
            // The client drops buckets a checkpoint leaves out (or removes) with their data: one that
            // comes back later is sent from the start, whatever position the client had.
            clientAfter.keySet().retainAll(states.keySet());
            Long writeCheckpoint = snapshot.writeCheckpoint();
            boolean writeCheckpointChanged = !Objects.equals(writeCheckpoint, sentWriteCheckpoint);
            long checkpoint = snapshot.lastOpId();
            sentCheckpoint = checkpoint;
            if (!first && updated.isEmpty() && removed.isEmpty() && !writeCheckpointChanged) {
                return plan; // nothing this client needs to hear about
            }
            sentStates = states;
            sentWriteCheckpoint = writeCheckpoint;
            pagesSinceCheckpoint = 0;
            // The client replaces its write checkpoint with the diff's, so a diff always repeats it.
            plan.add(new Line(first ? lines.checkpoint(checkpoint, writeCheckpoint, all)
                    : lines.checkpointDiff(checkpoint, writeCheckpoint, updated, removed), writeCheckpointChanged ? writeCheckpoint : null));

            // Higher priority (lower number) first; each group but the last ends with a partial checkpoint.
            TreeMap<Integer, List<BucketLine>> byPriority = new TreeMap<>();
            all.forEach(line -> byPriority.computeIfAbsent(line.priority(), p -> new ArrayList<>()).add(line));
            for (Map.Entry<Integer, List<BucketLine>> group : byPriority.entrySet()) {
                for (BucketLine line : group.getValue()) {
                    BucketState state = line.state();
                    if (clientAfter.getOrDefault(state.bucket(), 0L) < state.lastOpId()) {
                        plan.add(new Download(state.bucket(), checkpoint));
                    }
                }
                if (!group.getKey().equals(byPriority.lastKey())) {
                    plan.add(new Complete(lines.partialCheckpointComplete(checkpoint, group.getKey())));
                }
            }
            plan.add(new Complete(lines.checkpointComplete(checkpoint)));
            return plan;
        }

        /** The next data line of a bucket, or null when the client has everything up to the checkpoint. */
        private Page page(Download download) throws SQLException {
            long after = clientAfter.getOrDefault(download.bucket(), 0L);
            if (after >= download.upTo()) {
                return null;
            }
            // Positions are the last op id sent (next_after), as the client reports them on reconnect.
            // One op more than a line holds tells whether more follow.
            List<BucketOp> ops = prefetched(download, after);
            if (ops == null) {
                ops = reader.ops(download.bucket(), after, download.upTo(), limits.maxOpsPerLine() + 1);
            }
            if (ops.isEmpty()) {
                return null;
            }
            int usable = Math.min(ops.size(), limits.maxOpsPerLine());
            int count = 0;
            long chars = 0;
            while (count < usable && (count == 0 || chars < limits.maxLineChars())) {
                String data = ops.get(count).data();
                chars += 120 + (data == null ? 0 : data.length());
                count++;
            }
            List<BucketOp> sent = count == ops.size() ? ops : ops.subList(0, count);
            long nextAfter = sent.get(sent.size() - 1).opId();
            invalidated |= sent.stream().anyMatch(op -> op.invalidates(download.upTo()));
            boolean hasMore = count < ops.size();
            clientAfter.put(download.bucket(), nextAfter);
            if (hasMore) {
                prefetch(download, nextAfter);
            }
            return new Page(lines.data(download.bucket(), after, nextAfter, hasMore, sent), hasMore);
        }

        /** Reads the next page while this one is written to the client. */
        private void prefetch(Download download, long after) {
            int limit = limits.maxOpsPerLine() + 1;
            prefetch = new Prefetch(download.bucket(), after, download.upTo(), CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.ops(download.bucket(), after, download.upTo(), limit);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }

        /** The prefetched page for this position and checkpoint, or null. */
        private List<BucketOp> prefetched(Download download, long after) throws SQLException {
            Prefetch next = prefetch;
            List<BucketOp> ops = awaitPrefetch();
            boolean usable = ops != null && next.bucket().equals(download.bucket()) && next.after() == after
                    && next.upTo() == download.upTo();
            return usable ? ops : null;
        }

        /** Awaits the read-ahead, if any: the stream's next read must not overlap it. */
        private List<BucketOp> awaitPrefetch() throws SQLException {
            Prefetch next = prefetch;
            prefetch = null;
            if (next == null) {
                return null;
            }
            try {
                return next.ops().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
        }
    }
}
