package io.checkpointrelay.bridge.bucket;

import java.sql.SQLException;

/** Storage could not be read or written; the cause carries the SQL state. */
public class StorageException extends RuntimeException {

    public StorageException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    public SQLException sqlCause() {
        return (SQLException) getCause();
    }
}
