package io.checkpointrelay.applier.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.checkpoint.Checkpoint;
import io.checkpointrelay.applier.reject.RejectionRows;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.schema.SqlIdentifier;
import io.checkpointrelay.protocol.schema.TableSchema;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Stops start-up with a message naming what is missing when the database lacks a table or
 * column the applier writes. Tables are created by the deployment (for the demo
 * {@code deploy/demo/schema.sql}), never by this service; without the check the first batch
 * would fail with a bare SQL error and stop the channel.
 */
@ApplicationScoped
public class DatabaseSchemaCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseSchemaCheck.class);

    private static final String COLUMNS_OF = "SELECT attname::text FROM pg_attribute"
            + " WHERE attrelid = to_regclass(CAST(?1 AS text)) AND attnum > 0 AND NOT attisdropped";

    private final Mutiny.SessionFactory sessionFactory;
    private final AppSchema schema;
    private final RelayConfig config;

    DatabaseSchemaCheck(Mutiny.SessionFactory sessionFactory, AppSchema schema, RelayConfig config) {
        this.sessionFactory = sessionFactory;
        this.schema = schema;
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) throws Throwable {
        verify();
    }

    /** @throws IllegalStateException naming every missing table and column, or why the database could not be asked */
    void verify() throws Throwable {
        if (!Checkpoint.TABLE.equals(config.checkpoints().table())) {
            throw new IllegalStateException("relay.checkpoints.table is '" + config.checkpoints().table()
                    + "', but write-applier only supports '" + Checkpoint.TABLE + "' (its entity mapping is fixed at build time)");
        }
        Map<String, Set<String>> required = new LinkedHashMap<>();
        required.put(Checkpoint.TABLE, Set.of("user_id", "client_id", "checkpoint", "updated_at"));
        required.put(config.rejections().table(), RejectionRows.COLUMNS);
        for (TableSchema table : schema.tables().values()) {
            required.put(table.name(), table.columns().keySet());
        }
        List<String> problems;
        try {
            problems = VertxContextSupport.subscribeAndAwait(() -> sessionFactory.withSession(session -> {
                List<String> found = new ArrayList<>();
                return Multi.createFrom().iterable(required.entrySet())
                        .onItem().transformToUniAndConcatenate(table -> session
                                .createNativeQuery(COLUMNS_OF, String.class)
                                .setParameter(1, SqlIdentifier.quote(table.getKey()))
                                .getResultList()
                                .invoke(columns -> {
                                    String problem = problem(table.getKey(), table.getValue(), columns);
                                    if (problem != null) {
                                        found.add(problem);
                                    }
                                }))
                        .collect().last()
                        .replaceWith(found);
            }));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot check the database tables write-applier writes: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The database is not ready for write-applier: " + String.join("; ", problems)
                    + ". Create the tables first (for the demo: deploy/demo/schema.sql)");
        }
        LOG.infof("Database has tables %s with the columns write-applier writes", required.keySet());
    }

    private static String problem(String table, Set<String> required, List<String> existing) {
        if (existing.isEmpty()) {
            return "table '" + table + "' does not exist";
        }
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(existing);
        return missing.isEmpty() ? null : "table '" + table + "' lacks columns " + missing;
    }
}
