package io.checkpointrelay.applier.write;

import io.smallrye.mutiny.Uni;

/**
 * A backend's own rule for the client writes to one table: validation, mapping, or extra
 * writes in the same transaction. Declare it as a CDI bean ({@code @ApplicationScoped}) in the
 * write-applier build; tables without a handler get the generic CRUD write.
 *
 * <p>A handler runs inside the batch's transaction, once per entry of its table, in client
 * order. It typically checks {@link TableWrite#entry()} and then calls
 * {@link TableWrite#applyAsIs()} or {@link TableWrite#apply(io.checkpointrelay.protocol.upload.CrudEntry)};
 * both write only tables and columns the application schema allows. To refuse the write, fail
 * with {@link WriteRejectedException}: the whole batch is then rejected (dead-letter topic and
 * {@code upload_rejections} row with the reason) and its checkpoint request is still fulfilled,
 * so the client receives the server's state in place of its write. Any other failure is
 * treated like a database failure: retried until it succeeds.
 */
public interface TableWriteHandler {

    /** The application-schema table this handler writes; start-up fails for an unknown one. */
    String table();

    /** Applies one entry of {@link #table()}; the returned Uni completes when it is written. */
    Uni<Void> write(TableWrite write);
}
