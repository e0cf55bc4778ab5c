package io.checkpointrelay.upload.checkpoint;

import java.time.Duration;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.checkpointrelay.upload.config.RelayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes checkpoint request ids not posted again for {@code relay.checkpoint-requests.retention}
 * (as sync-bridge's CheckpointRetention does for its own records): without it every (user,
 * client) ever seen would stay forever. Deletes in bounded batches, each its own short
 * statement; safe on several instances at once. A client coming back after expiry simply starts
 * again from whatever id it posts.
 */
@ApplicationScoped
public class CheckpointRequestRetention {

    private static final Logger LOG = Logger.getLogger(CheckpointRequestRetention.class);

    private static final String EXPIRED = "touched_at < now() - make_interval(secs => $1)";
    /** The age is checked again on the row being deleted: one posted meanwhile stays. */
    private static final String DELETE = "DELETE FROM " + CheckpointRequestStore.TABLE + " WHERE " + EXPIRED
            + " AND (user_id, client_id) IN (SELECT user_id, client_id FROM " + CheckpointRequestStore.TABLE
            + " WHERE " + EXPIRED + " LIMIT $2)";

    private final CheckpointRequestStore store;
    private final Pool pool;
    private final Duration retention;
    private final int batchSize;
    private final Counter expired;

    public CheckpointRequestRetention(CheckpointRequestStore store, Pool pool, RelayConfig config, MeterRegistry registry) {
        this.store = store;
        this.pool = pool;
        this.retention = config.checkpointRequests().retention();
        this.batchSize = config.checkpointRequests().cleanupBatchSize();
        this.expired = Counter.builder("relay.upload.checkpoint_requests.expired")
                .description("Checkpoint request ids deleted after their retention")
                .register(registry);
    }

    @Scheduled(every = "${relay.checkpoint-requests.cleanup-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledCleanup() {
        return deleteExpired()
                .onFailure().invoke(failure -> LOG.warnf(
                        "Cannot delete expired checkpoint request ids (retrying at the next cleanup): %s", failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Deletes every expired id; the Uni's item is how many. */
    public Uni<Integer> deleteExpired() {
        Tuple parameters = Tuple.of(retention.toMillis() / 1000.0, batchSize);
        return store.ensureTable()
                .onItem().transformToMulti(ignored -> Multi.createBy().repeating()
                        .uni(() -> pool.preparedQuery(DELETE).execute(parameters).map(rows -> rows.rowCount()))
                        .whilst(deleted -> deleted >= batchSize))
                .collect().with(Collectors.summingInt(Integer::intValue))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        expired.increment(deleted);
                        LOG.infof("Deleted %d checkpoint request ids not posted for %s", deleted, retention);
                    }
                });
    }
}
