package io.checkpointrelay.upload.checkpoint;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The greatest checkpoint request id ever accepted per (user, client), in the application
 * database. The answer to a client must include ids still queued and not yet applied, so the
 * applied checkpoint row cannot serve: a client reseeding below a queued id would later take an
 * old checkpoint row for proof that its new writes were applied.
 */
@ApplicationScoped
public class CheckpointRequestStore {

    private static final Logger LOG = Logger.getLogger(CheckpointRequestStore.class);

    static final String TABLE = "relay_upload.checkpoint_requests";

    private static final String CREATE = """
            CREATE SCHEMA IF NOT EXISTS relay_upload;
            CREATE TABLE IF NOT EXISTS relay_upload.checkpoint_requests (
                user_id text NOT NULL,
                client_id text NOT NULL,
                request_id bigint NOT NULL,
                touched_at timestamptz NOT NULL,
                PRIMARY KEY (user_id, client_id)
            );
            -- Retention deletes by last touch (CheckpointRequestRetention).
            CREATE INDEX IF NOT EXISTS checkpoint_requests_touched_at ON relay_upload.checkpoint_requests (touched_at)""";

    /**
     * One statement, so concurrent posts for one client cannot lose the greatest id: the row
     * lock of ON CONFLICT serialises them and GREATEST keeps the larger. A stale id leaves the
     * row as it is; an equal or greater one refreshes touched_at (retention). The id stored
     * before tells a re-post apart (for the lifecycle events).
     */
    private static final String UPSERT = """
            WITH before AS (SELECT request_id FROM relay_upload.checkpoint_requests WHERE user_id = $1 AND client_id = $2)
            INSERT INTO relay_upload.checkpoint_requests AS r (user_id, client_id, request_id, touched_at)
            VALUES ($1, $2, $3, now())
            ON CONFLICT (user_id, client_id) DO UPDATE SET
                request_id = GREATEST(r.request_id, EXCLUDED.request_id),
                touched_at = CASE WHEN EXCLUDED.request_id >= r.request_id THEN now() ELSE r.touched_at END
            RETURNING request_id, (SELECT request_id FROM before) AS before""";

    private final Pool pool;
    /** Set once the table is known to exist; until then every call tries to create it first. */
    private volatile boolean tableReady;

    public CheckpointRequestStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Creates the table at start-up when the database is reachable. A database that is down
     * must not keep the service from starting: uploads without checkpoint requests do not need
     * it, and the first checkpoint request creates the table then.
     */
    void createTable(@Observes StartupEvent startup) {
        ensureTable().subscribe().with(
                ignored -> LOG.debugf("%s is ready", TABLE),
                failure -> LOG.warnf("Cannot create %s yet (%s); checkpoint requests answer 503 until the database is reachable",
                        TABLE, failure.getMessage()));
    }

    /**
     * Records {@code requestId} for (user, client) unless a greater one is stored.
     *
     * @return the effective id (the greatest ever accepted for (user, client), this one included)
     *         and whether it was stored already
     * @throws CheckpointStoreUnavailableException (as the Uni's failure) when the database does not answer
     */
    public Uni<RecordedRequest> record(String userId, String clientId, long requestId) {
        return ensureTable()
                .chain(() -> pool.preparedQuery(UPSERT).execute(Tuple.of(userId, clientId, requestId)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long effective = row.getLong(0);
                    Long before = row.getLong(1);
                    return new RecordedRequest(effective, before != null && before == effective);
                })
                .onFailure().transform(CheckpointStoreUnavailableException::new);
    }

    /** Completes once the table exists, creating it if needed. */
    Uni<Void> ensureTable() {
        if (tableReady) {
            return Uni.createFrom().voidItem();
        }
        return pool.query(CREATE).execute()
                .invoke(() -> tableReady = true)
                .replaceWithVoid();
    }
}
