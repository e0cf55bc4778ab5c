package io.checkpointrelay.bridge.stream;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.checkpointrelay.bridge.bucket.BucketOp;
import io.checkpointrelay.bridge.bucket.BucketReader;
import io.checkpointrelay.bridge.bucket.BucketState;
import io.checkpointrelay.bridge.bucket.StorageSnapshot;
import io.checkpointrelay.bridge.rules.BucketRef;
import io.checkpointrelay.bridge.stream.SyncLines.BucketLine;

/**
 * The state of one client's stream: what it has been told (checkpoint, bucket states, write
 * checkpoint) and how far it holds each bucket. Each wake-up becomes a {@link Run} that produces
 * the lines for the latest checkpoint one at a time, reading data pages only when the client is
 * ready for them. Runs are used one after another, never concurrently, so a stream holds at most
 * one pooled connection at a time, each only for one query: the read-ahead of a page is awaited
 * before the next read.
 */
final class SyncSession {

    /** Limits of data lines. */
    record Limits(int maxOpsPerLine, int maxLineChars) {
    }

    private final BucketReader reader;
    private final Executor executor;
    private final String userId;
    private final String clientId;
    private final List<BucketRef> buckets;
    private final Limits limits;
    private final SyncLines lines;

    /** The last op id the client holds per bucket. */
    private final Map<String, Long> clientAfter;
    private Map<String, BucketState> sentStates;
    private Long sentWriteCheckpoint;
    private long sentCheckpoint = -1;

    /**
     * @param executor runs the read-ahead of data pages
     * @param lines    writes the lines in the stream's format
     */
    SyncSession(BucketReader reader, Executor executor, String userId, String clientId, List<BucketRef> buckets,
            Map<String, Long> clientAfter, Limits limits, SyncLines lines) {
        this.reader = reader;
        this.executor = executor;
        this.userId = userId;
        this.clientId = clientId;
        this.buckets = List.copyOf(buckets);
        this.clientAfter = new HashMap<>(clientAfter);
        this.limits = limits;
        this.lines = lines;
    }

    /** The lines for the current checkpoint; none when nothing changed for this client. */
    Run nextRun() {
        return new Run();
    }

    /** Lines of one checkpoint, produced on demand. */
    final class Run {

        private sealed interface Step {
        }

        private record Line(byte[] text) implements Step {
        }

        private record Download(String bucket, long upTo) implements Step {
        }

        private record Page(byte[] line, boolean hasMore) {
        }

        private record Prefetch(String bucket, long after, CompletableFuture<List<BucketOp>> ops) {
        }

        private Deque<Step> steps;
        private Prefetch prefetch;

        /** The next line, or null when this checkpoint is complete. Blocking (reads storage). */
        synchronized byte[] next() throws SQLException {
            if (steps == null) {
                steps = plan();
            }
            while (!steps.isEmpty()) {
                Step step = steps.peek();
                if (step instanceof Line line) {
                    steps.poll();
                    return line.text();
                }
                Download download = (Download) step;
                Page page = page(download);
                if (page == null || !page.hasMore()) {
                    steps.poll();
                }
                if (page != null) {
                    return page.line();
                }
            }
            return null;
        }

        private Deque<Step> plan() throws SQLException {
            Deque<Step> plan = new ArrayDeque<>();
            List<String> names = buckets.stream().map(BucketRef::name).toList();
            StorageSnapshot snapshot = reader.snapshot(names, userId, clientId);
            boolean first = sentStates == null;
            if (!first && snapshot.lastOpId() <= sentCheckpoint) {
                return plan;
            }
            Map<String, BucketState> states = new LinkedHashMap<>();
            List<BucketLine> all = new ArrayList<>();
            List<BucketLine> updated = new ArrayList<>();
            for (BucketRef bucket : buckets) {
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
            Long writeCheckpoint = snapshot.writeCheckpoint();
            boolean writeCheckpointChanged = !Objects.equals(writeCheckpoint, sentWriteCheckpoint);
            long checkpoint = snapshot.lastOpId();
            sentCheckpoint = checkpoint;
            if (!first && updated.isEmpty() && removed.isEmpty() && !writeCheckpointChanged) {
                return plan; // nothing this client needs to hear about
            }
            sentStates = states;
            sentWriteCheckpoint = writeCheckpoint;
            // The client replaces its write checkpoint with the diff's, so a diff always repeats it.
            plan.add(new Line(first ? lines.checkpoint(checkpoint, writeCheckpoint, all)
                    : lines.checkpointDiff(checkpoint, writeCheckpoint, updated, removed)));

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
                    plan.add(new Line(lines.partialCheckpointComplete(checkpoint, group.getKey())));
                }
            }
            plan.add(new Line(lines.checkpointComplete(checkpoint)));
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
            List<BucketOp> ops = prefetched(download.bucket(), after);
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
            prefetch = new Prefetch(download.bucket(), after, CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.ops(download.bucket(), after, download.upTo(), limit);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }

        /** The prefetched page for this position, or null. */
        private List<BucketOp> prefetched(String bucket, long after) throws SQLException {
            Prefetch next = prefetch;
            prefetch = null;
            if (next == null) {
                return null;
            }
            List<BucketOp> ops;
            try {
                // Awaited even when unusable: the stream's next read must not overlap it.
                ops = next.ops().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
            return next.bucket().equals(bucket) && next.after() == after ? ops : null;
        }
    }
}
