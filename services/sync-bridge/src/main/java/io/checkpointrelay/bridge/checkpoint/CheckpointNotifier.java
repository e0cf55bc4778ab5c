package io.checkpointrelay.bridge.checkpoint;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;

/**
 * Announces new checkpoints inside this process so open streams wake up without polling. Replication
 * publishes after each storage commit; streams read the checkpoint itself from storage, so a missed
 * or merged announcement never loses data.
 */
@ApplicationScoped
public class CheckpointNotifier {

    private final AtomicLong latest = new AtomicLong();
    private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    /** Called after storage committed checkpoint {@code lastOpId}. */
    public void publish(long lastOpId) {
        long previous = latest.getAndAccumulate(lastOpId, Math::max);
        if (lastOpId > previous) {
            listeners.forEach(listener -> listener.accept(lastOpId));
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
        return Multi.createFrom().<Long>emitter(emitter -> {
            LongConsumer listener = emitter::emit;
            listeners.add(listener);
            emitter.onTermination(() -> listeners.remove(listener));
            emitter.emit(latest.get());
        }, BackPressureStrategy.LATEST);
    }

    public int listenerCount() {
        return listeners.size();
    }
}
