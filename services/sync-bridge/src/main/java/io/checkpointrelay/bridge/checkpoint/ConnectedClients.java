package io.checkpointrelay.bridge.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;

/**
 * The open sync streams of this instance and the write checkpoint each last sent, so that
 * {@link WaitingClients} can tell a client whose stored write checkpoint has not reached it.
 * Thread-safe.
 */
@ApplicationScoped
public class ConnectedClients {

    /** One open stream. {@code sent} reads the write checkpoint the stream last sent (null: none). */
    static final class Stream {
        final String userId;
        final String clientId;
        final Supplier<Long> sent;
        final Instant openedAt = Instant.now();
        /** The write checkpoint already reported as waiting on this stream (once per id). */
        volatile Long reported;

        Stream(String userId, String clientId, Supplier<Long> sent) {
            this.userId = userId;
            this.clientId = clientId;
            this.sent = sent;
        }
    }

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();

    /** {@code lines}, with the stream counted as open from subscription to termination. */
    public <T> Multi<T> track(Multi<T> lines, String userId, String clientId, Supplier<Long> sentWriteCheckpoint) {
        if (clientId == null) {
            return lines; // no client id, no write checkpoint to wait for
        }
        return Multi.createFrom().deferred(() -> {
            Stream stream = new Stream(userId, clientId, sentWriteCheckpoint);
            open.add(stream);
            return lines.onTermination().invoke(() -> open.remove(stream));
        });
    }

    List<Stream> streams() {
        return List.copyOf(open);
    }
}
