package io.checkpointrelay.bridge.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Replication meters: ops and transactions stored, and how far behind the source storage is.
 * Created at start-up, so the meters are exported before the first stream or transaction.
 */
@Startup
@ApplicationScoped
public class ReplicationMetrics {

    private final Counter ops;
    private final Counter transactions;
    private final AtomicLong lagMillis = new AtomicLong();
    private final AtomicInteger leader = new AtomicInteger();

    public ReplicationMetrics(MeterRegistry registry) {
        this.ops = Counter.builder("relay.replication.ops").description("Bucket operations stored").register(registry);
        this.transactions = Counter.builder("relay.replication.transactions")
                .description("Source transactions stored").register(registry);
        Gauge.builder("relay.replication.lag", lagMillis, millis -> millis.get() / 1000.0)
                .baseUnit("seconds")
                .description("Time from the source commit of the last stored transaction to its storage commit")
                .register(registry);
        Gauge.builder("relay.replication.leader", leader, AtomicInteger::get)
                .description("1 while this bridge holds the replication lease (replicates), 0 while it stands by")
                .register(registry);
    }

    void leader(boolean holdsLease) {
        leader.set(holdsLease ? 1 : 0);
    }

    void stored(long opCount, int transactionCount, Instant lastSourceCommit) {
        ops.increment(opCount);
        transactions.increment(transactionCount);
        if (lastSourceCommit != null) {
            lagMillis.set(Math.max(0, Duration.between(lastSourceCommit, Instant.now()).toMillis()));
        }
    }

    /** Nothing is waiting to be stored. */
    void caughtUp() {
        lagMillis.set(0);
    }
}
