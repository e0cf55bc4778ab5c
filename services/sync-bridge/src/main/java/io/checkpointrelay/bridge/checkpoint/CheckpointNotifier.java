package io.checkpointrelay.bridge.checkpoint;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;

/**
 * Announces new checkpoints inside this process so open streams wake up without polling. Replication
 * publishes after each storage commit, with what the commit changed ({@link CheckpointChanges});
 * each stream decides on the publishing thread whether the change concerns it, so a commit of one
 * user's data wakes only that user's streams. Streams read the checkpoint itself from storage, so
 * a merged announcement never loses data.
 */
@ApplicationScoped
public class CheckpointNotifier {

    private final AtomicLong latest = new AtomicLong();
    private final CopyOnWriteArrayList<Consumer<CheckpointChanges>> listeners = new CopyOnWriteArrayList<>();

    /** Called after storage committed checkpoint {@code lastOpId} when what changed is not known. */
    public void publish(long lastOpId) {
        publish(CheckpointChanges.anything(lastOpId));
    }

    /** Called after storage committed the checkpoint of {@code changes}. */
    public void publish(CheckpointChanges changes) {
        long lastOpId = changes.lastOpId();
        long previous = latest.getAndAccumulate(lastOpId, Math::max);
        // An older or equal checkpoint is covered by the announcement that published the newer one:
        // replication publishes in order, other publishers announce "anything".
        if (lastOpId > previous) {
            listeners.forEach(listener -> listener.accept(changes));
        }
    }

    /** The latest published checkpoint (0 before the first). */
    public long latest() {
        return latest.get();
    }

    /**
     * The latest checkpoint at subscription, then each newer one. A slow subscriber only gets the
     * latest (older announcements are dropped, not queued).
     */
    public Multi<Long> checkpoints() {
        return checkpoints(changes -> true);
    }

    /**
     * The latest checkpoint at subscription, then each newer one that {@code wakes} accepts. The
     * predicate runs on the publishing thread, once per announcement, in order; it must be cheap
     * and must remember what it needs itself, because a slow subscriber only gets the latest of the
     * accepted checkpoints (older ones are dropped, not queued).
     */
    public Multi<Long> checkpoints(Predicate<CheckpointChanges> wakes) {
        return Multi.createFrom().<Long>emitter(emitter -> {
            Consumer<CheckpointChanges> listener = changes -> {
                if (wakes.test(changes)) {
                    emitter.emit(changes.lastOpId());
                }
            };
            listeners.add(listener);
            emitter.onTermination(() -> listeners.remove(listener));
            emitter.emit(latest.get());
        }, BackPressureStrategy.LATEST);
    }

    public int listenerCount() {
        return listeners.size();
    }
}
