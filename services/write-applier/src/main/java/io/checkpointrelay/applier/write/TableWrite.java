package io.checkpointrelay.applier.write;

import org.hibernate.reactive.mutiny.Mutiny;

import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.smallrye.mutiny.Uni;

/** One client entry handed to a {@link TableWriteHandler}, inside the batch's transaction. */
public interface TableWrite {

    /** The user (JWT subject) and client that uploaded the entry. */
    ClientKey client();

    /** The entry as the client uploaded it, already checked against the application schema. */
    CrudEntry entry();

    /**
     * The batch's session, to read or write other tables in the same transaction. Statements
     * built here are the handler's own responsibility: never build identifiers from entry data.
     */
    Mutiny.Session session();

    /** Writes the entry with the generic CRUD write. */
    Uni<Void> applyAsIs();

    /**
     * Writes {@code mapped} instead, with the generic CRUD write. It is checked against the
     * application schema and the ownership rules first; a mapped entry outside them rejects
     * the batch.
     */
    Uni<Void> apply(CrudEntry mapped);
}
