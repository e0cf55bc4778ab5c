package io.checkpointrelay.tracker.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.checkpointrelay.tracker.state.ClientState;

/**
 * Finds the clients of one task's store that had no event for {@code forgetAfter}, examining at
 * most {@code limit} clients per run and resuming where the previous run stopped (in key order,
 * starting over after the last key), so that a task with millions of clients spends a few
 * milliseconds per run, not a stall of its processing. The cursor lives in memory: a task that
 * moves to another instance starts its sweep over, which costs one extra pass, nothing else.
 */
final class ForgetSweep {

    private final Duration forgetAfter;
    private final int limit;
    /** The next key to examine; null: the start of the store. */
    private String cursor;

    ForgetSweep(Duration forgetAfter, int limit) {
        this.forgetAfter = forgetAfter;
        this.limit = limit;
    }

    /** The next at most {@code limit} clients of {@code states}, those of them to forget now. */
    List<KeyValue<String, ClientState>> next(KeyValueStore<String, ClientState> states, Instant now) {
        List<KeyValue<String, ClientState>> expired = new ArrayList<>();
        try (KeyValueIterator<String, ClientState> clients = cursor == null ? states.all() : states.range(cursor, null)) {
            for (int examined = 0; examined < limit && clients.hasNext(); examined++) {
                KeyValue<String, ClientState> client = clients.next();
                if (client.value == null || isExpired(client.value.lastEventAt(), now)) {
                    expired.add(client);
                }
            }
            cursor = clients.hasNext() ? clients.peekNextKey() : null;
        }
        return expired;
    }

    /**
     * Whether a client whose latest event was made at {@code lastEventAt} is forgotten by
     * {@code now}; also whether an event made then is too old to bring a client back.
     */
    boolean isExpired(Instant lastEventAt, Instant now) {
        return lastEventAt == null || !lastEventAt.isAfter(now.minus(forgetAfter));
    }
}
