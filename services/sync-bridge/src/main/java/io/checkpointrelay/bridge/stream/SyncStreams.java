package io.checkpointrelay.bridge.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.checkpoint.CheckpointNotifier;
import io.checkpointrelay.bridge.checkpoint.ConnectedClients;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Turns a {@link SyncSession} into the lines of a stream: the session's lines for every new
 * checkpoint, keep-alives in between, and {@code token_expires_in: 0} as the last line when the
 * token expires. Cancelling (client gone) or expiring stops everything upstream; at shutdown every
 * stream ends cleanly.
 */
@ApplicationScoped
public class SyncStreams {

    private static final Logger LOG = Logger.getLogger(SyncStreams.class);

    private final CheckpointNotifier notifier;
    private final StreamMetrics metrics;
    private final ConnectedClients clients;
    private final Duration keepaliveInterval;
    /** Completes when the bridge shuts down: every open stream then ends cleanly. */
    private final CompletableFuture<Void> shuttingDown = new CompletableFuture<>();

    public SyncStreams(CheckpointNotifier notifier, StreamMetrics metrics, ConnectedClients clients, RelayConfig config) {
        this.notifier = notifier;
        this.metrics = metrics;
        this.clients = clients;
        this.keepaliveInterval = config.stream().keepaliveInterval();
    }

    /**
     * Ends every open stream with a complete response before the server goes away, so clients see
     * a clean end and reconnect (to another bridge behind the load balancer) at once, rather than
     * a connection cut mid-line. With {@code quarkus.shutdown.delay} this happens as the delay
     * starts, while the server still writes responses.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown.complete(null);
    }

    /** Without a shutdown delay configured: as early as Quarkus tells. */
    void onStop(@Observes ShutdownEvent event) {
        shuttingDown.complete(null);
    }

    /** @param format writes keep-alives in the stream's format */
    Multi<byte[]> lines(SyncSession session, SyncLines format, Instant tokenExpires, String userId) {
        // Only announcements that concern this client wake the stream: the others would give it no line.
        Multi<byte[]> sync = notifier.checkpoints(changes -> {
            boolean concerned = session.concernedBy(changes);
            if (!concerned) {
                metrics.skipped();
            }
            return concerned;
        }).onItem().transformToMultiAndConcatenate(checkpoint -> {
            metrics.woken();
            return linesOf(session.nextRun());
        });

        Multi<byte[]> keepalives = Multi.createFrom().ticks().startingAfter(keepaliveInterval).every(keepaliveInterval)
                .onOverflow().drop()
                // Never 0 here: 0 is the last line, sent when the token has expired.
                .map(tick -> format.tokenExpiresIn(Math.max(1, Duration.between(Instant.now(), tokenExpires).toSeconds())));

        // Taking lines while they are not the expiry marker cancels everything upstream (notifier
        // subscription, keep-alive ticks) when the marker arrives; select().first(Duration) would
        // complete without cancelling.
        byte[] expired = format.tokenExpiresIn(0); // a fresh array, compared by identity
        Duration lifetime = Duration.between(Instant.now(), tokenExpires);
        Multi<byte[]> expiry = Uni.createFrom().item(expired).onItem()
                .delayIt().by(lifetime.isNegative() ? Duration.ZERO : lifetime).toMulti();
        byte[] closing = new byte[0]; // never sent: ends the stream without the expiry line
        // A copy per stream: a cancelled stream cancels its stage, which must not end the others.
        Multi<byte[]> shutdown = Uni.createFrom().completionStage(shuttingDown::copy).onItem().transform(nothing -> closing).toMulti();
        Multi<byte[]> untilExpiry = Multi.createBy().merging().streams(sync, keepalives, expiry, shutdown)
                .select().first(line -> line != expired && line != closing);

        Multi<byte[]> all = Multi.createBy().concatenating().streams(untilExpiry, Multi.createFrom().deferred(
                () -> shuttingDown.isDone() ? Multi.createFrom().<byte[]>empty() : Multi.createFrom().item(expired)));
        return clients.track(all, userId, session.clientId(), session::sentWriteCheckpoint)
                .onSubscription().invoke(metrics::opened)
                .onTermination().invoke(metrics::closed)
                .onFailure().invoke(e -> LOG.warnf("Sync stream of %s failed: %s", userId, e.toString()));
    }

    /** Lines for one checkpoint, generated on demand on a worker thread (storage reads block). */
    private static Multi<byte[]> linesOf(SyncSession.Run run) {
        return Multi.createFrom().<SyncSession.Run, byte[]>generator(() -> run, (state, emitter) -> {
            try {
                byte[] line = state.next();
                if (line == null) {
                    emitter.complete();
                } else {
                    emitter.emit(line);
                }
            } catch (Exception e) {
                emitter.fail(e);
            }
            return state;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
