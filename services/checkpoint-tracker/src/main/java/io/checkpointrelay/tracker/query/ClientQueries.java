package io.checkpointrelay.tracker.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.state.ClientState;
import io.checkpointrelay.tracker.topology.TrackerTopology;

/**
 * Reads client states from this instance's copy of the global store
 * ({@value TrackerTopology#CLIENTS_STORE}), which holds every client whichever instance folds it:
 * any instance answers for any client, with no hop to the owner. The copy trails the owning
 * task by one commit (about 100 ms under exactly-once).
 */
@ApplicationScoped
public class ClientQueries {

    private final KafkaStreams streams;

    public ClientQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    public Optional<ClientState> client(ClientKey client) {
        return Optional.ofNullable(store().get(client.toKafkaKey()));
    }

    /**
     * The clients that have waited at least {@code olderThan} for their latest request, those
     * waiting longest first. Reads every client of the store.
     */
    public List<StuckClient> stuck(Duration olderThan, int limit, Instant now) {
        List<StuckClient> found = new ArrayList<>();
        try (KeyValueIterator<String, ClientState> all = store().all()) {
            while (all.hasNext()) {
                ClientState state = all.next().value;
                if (state == null || !state.isWaiting() || state.waitingSince() == null
                        || Duration.between(state.waitingSince(), now).compareTo(olderThan) < 0) {
                    continue;
                }
                found.add(StuckClient.of(state.userId(), state.clientId(), state.requested().requestId(), state.waitingIn(),
                        state.waitingSince(), now, state.stuck() != null));
            }
        }
        return found.stream()
                .sorted(Comparator.comparing(StuckClient::since).thenComparing(StuckClient::userId).thenComparing(StuckClient::clientId))
                .limit(limit)
                .toList();
    }

    private ReadOnlyKeyValueStore<String, ClientState> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(TrackerTopology.CLIENTS_STORE,
                    QueryableStoreTypes.<String, ClientState> keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(streams.state(), e);
        }
    }
}
