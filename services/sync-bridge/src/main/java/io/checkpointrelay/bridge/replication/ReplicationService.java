package io.checkpointrelay.bridge.replication;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.checkpointrelay.bridge.config.BridgeBeans;
import io.checkpointrelay.bridge.config.RelayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs replication on its own thread from start-up to shutdown: replicates while it holds the
 * replication lease ({@link ReplicationLeadership}) and stands by while another bridge does,
 * reconnects with growing delays after failures, and stops for good (readiness DOWN with the
 * reason) on failures an operator must fix. Its storage work uses its own pool ({@link BridgeBeans#REPLICATION_POOL}), never the streams' one.
 */
@ApplicationScoped
public class ReplicationService {

    private static final Logger LOG = Logger.getLogger(ReplicationService.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final ReplicationSession session;
    private final ReplicationLeadership leadership;
    private final ReplicationStatus status;
    private final ReplicationMetrics metrics;
    private final RelayConfig.Replication config;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    ReplicationService(ReplicationSession session, ReplicationLeadership leadership, ReplicationStatus status,
            ReplicationMetrics metrics, RelayConfig config) {
        this.session = session;
        this.leadership = leadership;
        this.status = status;
        this.metrics = metrics;
        this.config = config.replication();
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "relay-replication");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        stopRequested.countDown();
        if (thread != null) {
            try {
                thread.join(STOP_TIMEOUT.toMillis());
                if (thread.isAlive()) {
                    LOG.warn("Replication did not stop in time; leaving it to the JVM exit");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Duration delay = config.retryDelay();
        while (running) {
            try {
                Optional<ReplicationLeadership.Lease> lease = leadership.tryAcquire();
                if (lease.isEmpty()) {
                    delay = config.retryDelay();
                    if (standBy("another bridge replicates slot " + config.slot())) {
                        break;
                    }
                    continue;
                }
                try (ReplicationLeadership.Lease held = lease.get()) {
                    metrics.leader(true);
                    if (status.state() != ReplicationStatus.State.STANDBY) {
                        // A standby stays ready (it serves streams) while it takes over.
                        status.set(ReplicationStatus.State.STARTING, "connecting");
                    }
                    session.run(() -> running && held.held());
                } finally {
                    metrics.leader(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable e) {
                if (!running) {
                    break;
                }
                String reason = ReplicationErrors.describe(e);
                if (ReplicationErrors.isPermanent(e)) {
                    status.set(ReplicationStatus.State.FAILED, reason);
                    LOG.errorf(e, "Replication stopped: %s", reason);
                    return;
                }
                if (status.state() == ReplicationStatus.State.REPLICATING) {
                    delay = config.retryDelay(); // it worked until now: retry soon
                }
                if (ReplicationErrors.isSlotHeldElsewhere(e)) {
                    // The lease is ours but the slot still has a reader: a dead holder's walsender
                    // not yet gone, or a reader outside the relay. Stand by, ready, and try again soon.
                    delay = config.retryDelay();
                    if (standBy(reason)) {
                        break;
                    }
                    continue;
                }
                status.set(ReplicationStatus.State.RETRYING, reason);
                LOG.warnf("Replication failed, retrying in %d ms: %s", delay.toMillis(), reason);
                LOG.debug("Replication failure", e);
                if (awaitStop(delay)) {
                    break;
                }
                delay = delay.multipliedBy(2).compareTo(config.maxRetryDelay()) > 0 ? config.maxRetryDelay() : delay.multipliedBy(2);
            }
        }
        status.set(ReplicationStatus.State.STOPPED, "stopped");
        LOG.info("Replication stopped");
    }

    /**
     * Serves streams without replicating (ready) until the next try after
     * {@code standby-check-interval}; logs once on entering the state. True when stopping.
     */
    private boolean standBy(String why) {
        if (status.state() != ReplicationStatus.State.STANDBY) {
            LOG.infof("Standing by (%s): serving streams from the shared storage, taking over replication once the slot is free", why);
        }
        status.set(ReplicationStatus.State.STANDBY, why);
        return awaitStop(config.standbyCheckInterval());
    }

    private boolean awaitStop(Duration delay) {
        try {
            return stopRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
