package io.checkpointrelay.tracker.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.lifecycle.LifecycleJson;
import io.checkpointrelay.tracker.metrics.TrackerMetrics;
import io.checkpointrelay.tracker.state.ClientState;

/**
 * The tracker's topology:
 *
 * <pre>
 * events topic --&gt; fold (ClientFoldProcessor) --&gt; alerts topic
 *                   |  stores: client-states, waiting-clients  \--&gt; clients topic --&gt; global store "clients"
 * </pre>
 *
 * The fold owns the state of the clients of its partitions (persistent stores, changelogged, so
 * a new or restarted instance rebuilds them from the changelog, stuck marks included) and
 * publishes each changed state on the clients topic; every instance reads that topic into the
 * global store {@value #CLIENTS_STORE}, which the queries read; a forgotten client's tombstone
 * removes it there (and, compacted, from the topic). Run it with
 * {@code processing.guarantee=exactly_once_v2}: a state change, its changelog record, its
 * published state and its alert are committed together with the input offset.
 */
public final class TrackerTopology {

    /** The folded state per client key. */
    public static final String STATES_STORE = "client-states";
    /** The clients waiting for a request (key to waiting-since millis): what the stuck check scans. */
    public static final String WAITING_STORE = "waiting-clients";
    /** Every client's state on every instance, from the clients topic. */
    public static final String CLIENTS_STORE = "clients";

    static final String EVENTS_SOURCE = "events";
    static final String FOLD = "fold";
    static final String ALERTS_SINK = "alerts";
    static final String CLIENTS_SINK = "clients-out";
    private static final String CLIENTS_SOURCE = "clients-in";
    private static final String CLIENTS_LOADER = "clients-loader";

    private TrackerTopology() {
    }

    public static Topology build(TrackerSettings settings, TrackerMetrics metrics) {
        Serde<String> keys = Serdes.String();
        Serde<CheckpointEvent> events = LifecycleJson.serde(CheckpointEvent.class);
        Serde<ClientAlert> alerts = LifecycleJson.serde(ClientAlert.class);
        Serde<ClientState> states = LifecycleJson.serde(ClientState.class);

        Topology topology = new Topology();
        topology.addSource(EVENTS_SOURCE, keys.deserializer(), events.deserializer(), settings.eventsTopic());
        topology.addProcessor(FOLD, () -> new ClientFoldProcessor(settings, metrics), EVENTS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATES_STORE), keys, states), FOLD);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAITING_STORE), keys, Serdes.Long()), FOLD);
        topology.addSink(ALERTS_SINK, settings.alertsTopic(), keys.serializer(), alerts.serializer(), FOLD);
        topology.addSink(CLIENTS_SINK, settings.clientsTopic(), keys.serializer(), states.serializer(), FOLD);
        // A global store restores from its source topic, so it keeps no changelog of its own.
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLIENTS_STORE), keys, states).withLoggingDisabled(),
                CLIENTS_SOURCE, keys.deserializer(), states.deserializer(), settings.clientsTopic(), CLIENTS_LOADER,
                ClientsLoader::new);
        return topology;
    }

    /** Copies the clients topic into the global store. */
    private static final class ClientsLoader implements Processor<String, ClientState, Void, Void> {

        private KeyValueStore<String, ClientState> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(CLIENTS_STORE);
        }

        @Override
        public void process(Record<String, ClientState> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
