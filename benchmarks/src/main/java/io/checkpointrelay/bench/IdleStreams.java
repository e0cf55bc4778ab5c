package io.checkpointrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Many sync streams held open by one cheap client: one HTTP client, one connection per stream,
 * lines consumed asynchronously (no thread per stream). Each stream notes how many
 * {@code checkpoint_complete} lines it received and when the last one came, and hands every
 * line to its {@link LineListener}, if any. Stream {@code i} is user {@code <prefix>i}, client
 * id {@code client-i}.
 */
final class IdleStreams implements AutoCloseable {

    /** Hears each line of one stream as it arrives, and its end, on the HTTP client's threads. */
    interface LineListener {
        void onLine(String line, long receivedNanos);

        /** The stream has ended (the bridge or the network ended it); this client does not reconnect. */
        default void onEnd(String why) {
        }
    }

    /** One stream's view; written by the HTTP client's threads, read by the benchmark. */
    static final class Watcher implements Flow.Subscriber<String> {
        private final LineListener listener;
        private volatile int completes;
        private volatile long lastCompleteNanos;
        private volatile String ended;
        private volatile int status;

        Watcher(LineListener listener) {
            this.listener = listener;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long received = System.nanoTime();
            if (listener != null) {
                listener.onLine(line, received);
            }
            if (line.startsWith("{\"checkpoint_complete\"")) {
                lastCompleteNanos = received;
                completes = completes + 1; // one writer per stream
            }
        }

        @Override
        public void onError(Throwable failure) {
            end(failure.toString());
        }

        @Override
        public void onComplete() {
            end("ended by the bridge (HTTP " + status + ")");
        }

        private void end(String why) {
            ended = why;
            if (listener != null) {
                listener.onEnd(why);
            }
        }

        int completes() {
            return completes;
        }

        long lastCompleteNanos() {
            return lastCompleteNanos;
        }

        String ended() {
            return ended;
        }
    }

    private final URI streamUri;
    private final Function<String, String> tokens;
    private final String userPrefix;
    private final IntFunction<LineListener> listeners;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final List<Watcher> watchers = new ArrayList<>();

    /** @param tokens a token per user id */
    IdleStreams(URI bridge, Function<String, String> tokens) {
        this(bridge, tokens, "idle-", i -> null);
    }

    /**
     * @param userPrefix stream {@code i} is user {@code userPrefix + i}
     * @param listeners  the listener of stream {@code i}, or null
     */
    IdleStreams(URI bridge, Function<String, String> tokens, String userPrefix, IntFunction<LineListener> listeners) {
        this.streamUri = bridge.resolve("/sync/stream");
        this.tokens = tokens;
        this.userPrefix = userPrefix;
        this.listeners = listeners;
    }

    static String clientId(int stream) {
        return "client-" + stream;
    }

    /** Opens streams until {@code total} are open, {@code wave} at a time, each wave awaited to its first checkpoint. */
    void openUpTo(int total, int wave, Duration timeout) throws InterruptedException {
        while (watchers.size() < total) {
            int from = watchers.size();
            int to = Math.min(total, from + wave);
            for (int i = from; i < to; i++) {
                Watcher watcher = new Watcher(listeners.apply(i));
                watchers.add(watcher);
                String user = userPrefix + i;
                HttpRequest request = HttpRequest.newBuilder(streamUri)
                        .header("Authorization", "Token " + tokens.apply(user))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(StreamCapture.freshRequest(clientId(i))))
                        .build();
                http.sendAsync(request, info -> {
                    watcher.status = info.statusCode();
                    return HttpResponse.BodySubscribers.fromLineSubscriber(watcher);
                }).exceptionally(failure -> {
                    watcher.end(failure.toString());
                    return null;
                });
            }
            awaitBeyond(watchers.subList(from, to), new int[to - from], timeout);
        }
    }

    /** How many checkpoint_complete lines each stream has received so far. */
    int[] completes() {
        return watchers.stream().mapToInt(Watcher::completes).toArray();
    }

    /** Waits until every stream received more checkpoint_complete lines than {@code before} (from {@link #completes()}). */
    void awaitBeyond(int[] before, Duration timeout) throws InterruptedException {
        awaitBeyond(watchers, before, timeout);
    }

    private static void awaitBeyond(List<Watcher> streams, int[] before, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int behind = 0;
            String ended = null;
            for (int i = 0; i < streams.size(); i++) {
                Watcher watcher = streams.get(i);
                if (watcher.completes() <= before[i]) {
                    behind++;
                    if (watcher.ended() != null) {
                        ended = watcher.ended();
                    }
                }
            }
            if (behind == 0) {
                return;
            }
            if (ended != null) {
                throw new IllegalStateException(behind + " streams are behind and at least one ended: " + ended);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(behind + " of " + streams.size()
                        + " streams did not receive the next checkpoint_complete within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(2);
        }
    }

    List<Watcher> watchers() {
        return watchers;
    }

    /** Streams the bridge or the network ended. */
    long ended() {
        return watchers.stream().filter(w -> w.ended() != null).count();
    }

    /** Why the first ended stream ended, or null. */
    String firstEnd() {
        return watchers.stream().map(Watcher::ended).filter(Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
