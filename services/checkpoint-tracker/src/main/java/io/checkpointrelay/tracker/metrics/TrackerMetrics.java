package io.checkpointrelay.tracker.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.checkpointrelay.tracker.state.ClientFold;
import io.checkpointrelay.tracker.state.Latency;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The tracker's metrics (Prometheus names at {@code /q/metrics}):
 * <ul>
 * <li>{@code relay_tracker_stage_latency_seconds{from,to}}: per-request latency between two stages
 * (requested→applied, applied→replicated, replicated→delivered, applied→delivered,
 * requested→delivered), with p50 and p99 and a histogram (instances can be aggregated);</li>
 * <li>{@code relay_tracker_rejected_requests_total}, {@code relay_tracker_reposted_requests_total},
 * {@code relay_tracker_counter_restarts_total}, {@code relay_tracker_skipped_events_total{reason}};</li>
 * <li>{@code relay_tracker_stuck_clients}: clients currently marked stuck in the tasks this instance
 * runs (sum over instances for the total), updated by every check;</li>
 * <li>{@code relay_tracker_forgotten_clients_total{stuck}}: clients forgotten after
 * {@code relay.tracker.forget-after} without an event; {@code stuck="true"} for those forgotten
 * while stuck (their {@code stuck} alert gets no {@code recovered}).</li>
 * </ul>
 * Stream tasks report here; a task re-processing events after a crash (exactly-once rolls back
 * state and output, not metrics) may count them again.
 */
public class TrackerMetrics {

    private static final Duration LATENCY_MIN = Duration.ofMillis(1);
    private static final Duration LATENCY_MAX = Duration.ofMinutes(10);

    private final MeterRegistry registry;
    private final Map<Latency, Timer> latencies = new EnumMap<>(Latency.class);
    private final Counter rejected;
    private final Counter reposted;
    private final Counter restarts;
    private final Counter forgotten;
    private final Counter forgottenStuck;
    private final Map<Object, Integer> stuckPerTask = new ConcurrentHashMap<>();

    public TrackerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Latency latency : Latency.values()) {
            latencies.put(latency, Timer.builder("relay.tracker.stage.latency")
                    .description("Time between two stages of one checkpoint request, measured once per request")
                    .tag("from", latency.from().name().toLowerCase())
                    .tag("to", latency.to().name().toLowerCase())
                    .publishPercentiles(0.5, 0.99)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(LATENCY_MIN)
                    .maximumExpectedValue(LATENCY_MAX)
                    .register(registry));
        }
        rejected = Counter.builder("relay.tracker.rejected.requests")
                .description("Checkpoint requests whose batch write-applier rejected").register(registry);
        reposted = Counter.builder("relay.tracker.reposted.requests")
                .description("Re-posts of a checkpoint request the client was still waiting for").register(registry);
        restarts = Counter.builder("relay.tracker.counter.restarts")
                .description("Clients that restarted their checkpoint request id counter").register(registry);
        forgotten = forgottenCounter(registry, false);
        forgottenStuck = forgottenCounter(registry, true);
        Gauge.builder("relay.tracker.stuck.clients", stuckPerTask, counts -> counts.values().stream().mapToInt(Integer::intValue).sum())
                .description("Clients marked stuck in the stream tasks of this instance").register(registry);
    }

    public void folded(ClientFold.Result result) {
        result.latencies().forEach(sample -> latencies.get(sample.latency()).record(sample.duration()));
        if (result.rejected()) {
            rejected.increment();
        }
        if (result.reposted()) {
            reposted.increment();
        }
        if (result.restarted()) {
            restarts.increment();
        }
    }

    /** An event the tracker cannot fold (unknown version, missing or foreign key) or skips (stale: older than the retention). */
    public void skipped(String reason) {
        registry.counter("relay.tracker.skipped.events", "reason", reason).increment();
    }

    /** A client forgotten after the retention; {@code stuck}: it was marked stuck then. */
    public void forgotten(boolean stuck) {
        (stuck ? forgottenStuck : forgotten).increment();
    }

    /** The number of stuck clients a task holds, as its latest check counted them. */
    public void stuckClients(Object task, int count) {
        stuckPerTask.put(task, count);
    }

    /** A task this instance no longer runs. */
    public void taskClosed(Object task) {
        stuckPerTask.remove(task);
    }

    private static Counter forgottenCounter(MeterRegistry registry, boolean stuck) {
        return Counter.builder("relay.tracker.forgotten.clients")
                .description("Clients forgotten after relay.tracker.forget-after without an event")
                .tag("stuck", Boolean.toString(stuck)).register(registry);
    }
}
