package io.checkpointrelay.applier.apply;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.checkpointrelay.applier.write.TableWrite;
import io.checkpointrelay.applier.write.TableWriteHandler;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.smallrye.mutiny.Uni;

/**
 * Routes each entry to its table's {@link TableWriteHandler}, or to the generic CRUD write.
 * Handlers are checked when the application starts: one per table, and only for tables of the
 * application schema.
 */
@ApplicationScoped
public class TableWrites {

    private static final Logger LOG = Logger.getLogger(TableWrites.class);

    private final CrudWriter crud;
    private final Map<String, TableWriteHandler> handlers;

    TableWrites(CrudWriter crud, AppSchema schema, Instance<TableWriteHandler> declared) {
        this.crud = crud;
        this.handlers = byTable(declared, schema);
    }

    /** @throws IllegalStateException for a handler of a table the schema lacks, or a second one for a table */
    static Map<String, TableWriteHandler> byTable(Iterable<TableWriteHandler> declared, AppSchema schema) {
        Map<String, TableWriteHandler> handlers = new HashMap<>();
        for (TableWriteHandler handler : declared) {
            String table = handler.table();
            if (schema.table(table).isEmpty()) {
                throw new IllegalStateException("Table write handler " + handler.getClass().getName() + " is for table '" + table
                        + "', which the application schema (relay.schema.file) does not have");
            }
            TableWriteHandler other = handlers.putIfAbsent(table, handler);
            if (other != null) {
                throw new IllegalStateException("Table '" + table + "' has two write handlers: " + other.getClass().getName()
                        + " and " + handler.getClass().getName());
            }
            LOG.infof("Writes to table '%s' go through %s", table, handler.getClass().getName());
        }
        return Map.copyOf(handlers);
    }

    Uni<Void> write(Mutiny.Session session, ClientKey client, CrudEntry entry) {
        TableWriteHandler handler = handlers.get(entry.type());
        if (handler == null) {
            return crud.write(session, client, entry);
        }
        crud.check(entry, client); // a handler is promised an entry within the schema
        return Uni.createFrom().deferred(() -> handler.write(new HandledWrite(session, client, entry, crud)));
    }

    private record HandledWrite(Mutiny.Session session, ClientKey client, CrudEntry entry, CrudWriter crud) implements TableWrite {

        @Override
        public Uni<Void> applyAsIs() {
            return crud.writeChecked(session, client, entry);
        }

        @Override
        public Uni<Void> apply(CrudEntry mapped) {
            return Uni.createFrom().deferred(() -> crud.write(session, client, mapped));
        }
    }
}
