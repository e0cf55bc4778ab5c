package io.checkpointrelay.applier.progress;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;

/**
 * The applier's own bookkeeping in schema {@code relay_applier} of the application database,
 * created at start-up (unlike the application's tables, which the deployment owns): where
 * each partition is applied up to, and the batches each client had applied recently. Both are
 * written in the transaction that applies a batch, which is what makes application exactly-once.
 */
@ApplicationScoped
public class ProgressTables {

    static final String POSITIONS = "relay_applier.consumer_positions";
    static final String CLIENT_BATCHES = "relay_applier.client_batches";

    // Several instances start at once: the first creates, the others wait and find it done.
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('relay_applier schema'))";

    private static final List<String> CREATE = List.of(
            "CREATE SCHEMA IF NOT EXISTS relay_applier",
            "CREATE TABLE IF NOT EXISTS " + POSITIONS + " ("
                    + " group_id text NOT NULL, topic text NOT NULL, partition integer NOT NULL,"
                    + " next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (group_id, topic, partition))",
            "CREATE TABLE IF NOT EXISTS " + CLIENT_BATCHES + " ("
                    + " user_id text NOT NULL, client_id text NOT NULL, batch_key text NOT NULL,"
                    + " batch_id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (user_id, client_id, batch_key))",
            "CREATE INDEX IF NOT EXISTS client_batches_applied_at ON " + CLIENT_BATCHES + " (applied_at)");

    private final Mutiny.SessionFactory sessionFactory;

    ProgressTables(Mutiny.SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) throws Throwable {
        try {
            VertxContextSupport.subscribeAndAwait(() -> sessionFactory.withTransaction(session -> session.createNativeQuery(LOCK).getResultList()
                    .chain(() -> Multi.createFrom().iterable(CREATE)
                            .onItem().transformToUniAndConcatenate(sql -> session.createNativeQuery(sql).executeUpdate())
                            .collect().last())));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot create write-applier's tables in schema relay_applier: " + e.getMessage(), e);
        }
    }
}
