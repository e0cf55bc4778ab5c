package io.checkpointrelay.tracker.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import io.checkpointrelay.protocol.lifecycle.CheckpointEvent;
import io.checkpointrelay.protocol.lifecycle.ClientAlert;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.tracker.metrics.TrackerMetrics;
import io.checkpointrelay.tracker.state.ClientFold;
import io.checkpointrelay.tracker.state.ClientState;
import io.checkpointrelay.tracker.state.StuckRule;

/**
 * Folds each event into its client's state ({@link ClientFold}), sends {@code recovered} as soon
 * as an event ends a stuck client's wait, and every check interval (wall clock) marks the clients
 * that have waited too long ({@link StuckRule}). Only clients that wait are kept in the
 * {@value TrackerTopology#WAITING_STORE} index, so a check reads those, not every client.
 *
 * <p>A slower wall-clock check forgets the clients that had no event for
 * {@code relay.tracker.forget-after} ({@link ForgetSweep}, a bounded number per run): their state
 * leaves both stores and a tombstone goes to the clients topic, so every instance's global store
 * drops them too. No alert: a forgotten stuck client simply leaves the stuck list and the stuck
 * count (its {@code stuck} alert stands without a {@code recovered}); forgotten clients are
 * counted, stuck or not. A forgotten client's next event folds into an empty state, as a new
 * client's does; an event older than the retention does not bring a client back.
 */
final class ClientFoldProcessor implements Processor<String, CheckpointEvent, String, Object> {

    private static final Logger LOG = Logger.getLogger(ClientFoldProcessor.class);

    private final TrackerSettings settings;
    private final TrackerMetrics metrics;
    private final StuckRule stuckRule;
    private final ForgetSweep forgetSweep;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ClientState> states;
    private KeyValueStore<String, Long> waiting;
    private TaskId task;

    ClientFoldProcessor(TrackerSettings settings, TrackerMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.stuckRule = new StuckRule(settings.stuckAfter(), settings.instance());
        this.forgetSweep = new ForgetSweep(settings.forgetAfter(), settings.forgetCheckLimit());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(TrackerTopology.STATES_STORE);
        this.waiting = context.getStateStore(TrackerTopology.WAITING_STORE);
        this.task = context.taskId();
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
        context.schedule(settings.forgetCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::forget);
    }

    @Override
    public void process(Record<String, CheckpointEvent> record) {
        CheckpointEvent event = record.value();
        ClientKey client = clientOf(record);
        if (client == null) {
            return;
        }
        String key = client.toKafkaKey();
        ClientState before = states.get(key);
        if (before == null && forgetSweep.isExpired(event.at(), now())) {
            // A late or replayed event of a client forgotten (or never seen) within the retention.
            metrics.skipped("stale");
            LOG.debugf("Skipping lifecycle event older than relay.tracker.forget-after of a client not held: %s", event);
            return;
        }
        ClientFold.Result result = ClientFold.fold(before, client, event);
        metrics.folded(result);
        StuckRule.Verdict verdict = stuckRule.recovery(result.state(), now());
        ClientState after = verdict.state();
        if (!after.equals(before)) {
            store(key, after, record.timestamp());
        }
        if (verdict.alert() != null) {
            alert(key, verdict.alert(), record.timestamp());
        }
    }

    /** The client an event belongs to, or null (counted and logged) when it cannot be folded. */
    private ClientKey clientOf(Record<String, CheckpointEvent> record) {
        CheckpointEvent event = record.value();
        String problem = null;
        ClientKey client = null;
        if (event == null) {
            problem = "no_value";
        } else if (event.version() > CheckpointEvent.VERSION) {
            problem = "unknown_version";
        } else if (event.stage() == null || event.at() == null || event.userId() == null || event.clientId() == null) {
            problem = "incomplete";
        } else if (record.key() == null) {
            problem = "no_key";
        } else {
            try {
                client = ClientKey.fromKafkaKey(record.key());
                if (!client.equals(event.clientKey())) {
                    problem = "key_mismatch";
                }
            } catch (IllegalArgumentException e) {
                problem = "bad_key";
            }
        }
        if (problem != null) {
            metrics.skipped(problem);
            LOG.warnf("Skipping lifecycle event (%s): key %s, value %s", problem, record.key(), event);
            return null;
        }
        return client;
    }

    /** Marks the waiting clients that have waited too long, and counts the stuck ones. */
    private void check(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        List<String> notWaiting = new ArrayList<>();
        List<StuckRule.Verdict> newlyStuck = new ArrayList<>();
        int stuck = 0;
        try (KeyValueIterator<String, Long> clients = waiting.all()) {
            while (clients.hasNext()) {
                KeyValue<String, Long> entry = clients.next();
                ClientState state = states.get(entry.key);
                if (state == null || !state.isWaiting()) {
                    notWaiting.add(entry.key);
                    continue;
                }
                StuckRule.Verdict verdict = stuckRule.check(state, now);
                if (verdict.alert() != null) {
                    newlyStuck.add(verdict);
                }
                if (verdict.state().stuck() != null) {
                    stuck++;
                }
            }
        }
        notWaiting.forEach(waiting::delete);
        for (StuckRule.Verdict verdict : newlyStuck) {
            String key = verdict.state().clientKey().toKafkaKey();
            store(key, verdict.state(), wallClockMillis);
            alert(key, verdict.alert(), wallClockMillis);
        }
        metrics.stuckClients(task, stuck);
    }

    /** Forgets the next clients of the sweep that had no event for the retention. */
    private void forget(long wallClockMillis) {
        List<KeyValue<String, ClientState>> expired = forgetSweep.next(states, Instant.ofEpochMilli(wallClockMillis));
        int stuck = 0;
        for (KeyValue<String, ClientState> client : expired) {
            states.delete(client.key);
            waiting.delete(client.key);
            context.forward(new Record<String, Object>(client.key, null, wallClockMillis), TrackerTopology.CLIENTS_SINK);
            boolean wasStuck = client.value != null && client.value.stuck() != null;
            metrics.forgotten(wasStuck);
            if (wasStuck) {
                stuck++;
                LOG.infof("Client %s forgotten while stuck (request %d, waiting since %s, last event %s): no recovered alert will follow",
                        client.key, client.value.stuck().requestId(), client.value.stuck().since(), client.value.lastEventAt());
            }
        }
        if (!expired.isEmpty()) {
            LOG.infof("Forgot %d clients with no event for %s (%d of them stuck)", expired.size(), settings.forgetAfter(), stuck);
        }
    }

    private void store(String key, ClientState state, long timestamp) {
        states.put(key, state);
        if (state.isWaiting()) {
            Instant since = state.waitingSince() != null ? state.waitingSince() : state.requested().at();
            waiting.put(key, since.toEpochMilli());
        } else {
            waiting.delete(key);
        }
        context.forward(new Record<String, Object>(key, state, timestamp), TrackerTopology.CLIENTS_SINK);
    }

    private void alert(String key, ClientAlert alert, long timestamp) {
        LOG.infof("Client %s %s: request %d, waiting since %s%s", key, alert.type().name().toLowerCase(), alert.requestId(),
                alert.since(), alert.waitingIn() == null ? "" : ", in " + alert.waitingIn().name().toLowerCase());
        context.forward(new Record<String, Object>(key, alert, timestamp), TrackerTopology.ALERTS_SINK);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void close() {
        metrics.taskClosed(task);
    }
}
