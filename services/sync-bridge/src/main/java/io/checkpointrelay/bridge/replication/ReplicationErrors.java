package io.checkpointrelay.bridge.replication;

import java.sql.SQLException;

/** Decides whether a replication failure is worth retrying. */
final class ReplicationErrors {

    private ReplicationErrors() {
    }

    /**
     * Permanent: our own {@link PermanentReplicationException}, bad credentials (SQLSTATE class 28),
     * missing privileges (42501) and a database that does not exist (3D000). Everything else
     * (connection loss, server restart, a slot held by another bridge) is retried.
     */
    static boolean isPermanent(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof PermanentReplicationException) {
                return true;
            }
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("28") || state.equals("42501") || state.equals("3D000")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The slot is active for another connection (SQLSTATE 55006, object_in_use): another bridge
     * replicates from it.
     */
    static boolean isSlotHeldElsewhere(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && "55006".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** One line for logs and health: the deepest SQL message, or the error's own. */
    static String describe(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                return message + (message.contains(sql.getSQLState()) ? "" : " (SQLSTATE " + sql.getSQLState() + ")");
            }
        }
        return message;
    }
}
