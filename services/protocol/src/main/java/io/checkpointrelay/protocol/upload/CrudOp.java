package io.checkpointrelay.protocol.upload;

/** The operations a PowerSync client records in its upload queue ({@code ps_crud}). */
public enum CrudOp {
    /** Insert or replace the whole row. */
    PUT,
    /** Update only the given columns of an existing row. */
    PATCH,
    /** Delete the row. */
    DELETE
}
