package io.checkpointrelay.applier.apply;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.checkpointrelay.applier.write.WriteRejectedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

/**
 * Decides what a failed batch transaction means. A batch is rejected only when the failure is
 * about the batch itself: a {@link WriteRejectedException} (outside the schema, another user's
 * row, a table handler's rule) or the database refusing its data (SQLSTATE classes 22 data
 * exception and 23 integrity constraint violation, and P0001 raised by a trigger). Everything
 * else is retried: lost connections, serialization failures and deadlocks pass by themselves,
 * and a missing table or a bug is the deployment's fault, not the user's, so the batch waits
 * for the fix rather than being thrown away.
 */
public final class Failures {

    /** SQLSTATEs worth retrying besides class 08 (connection exception). */
    private static final Set<String> TRANSIENT_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (server starting up)
            "53300"); // too_many_connections

    /** SQLSTATEs that refuse the batch's data besides classes 22 and 23. */
    private static final Set<String> REJECTING_STATES = Set.of(
            "P0001"); // raise_exception: a trigger enforcing a business rule

    private Failures() {
    }

    /** Whether the batch can never be applied as it is, whatever the retries. */
    public static boolean rejects(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof WriteRejectedException) {
                return true;
            }
            String state = sqlState(cause);
            if (state != null) {
                return state.startsWith("22") || state.startsWith("23") || REJECTING_STATES.contains(state);
            }
        }
        return false;
    }

    /** Whether the failure is known to pass by itself (as opposed to waiting for a fix). */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof WriteRejectedException) {
                return false;
            }
            String state = sqlState(cause);
            if (state != null) {
                return state.startsWith("08") || TRANSIENT_STATES.contains(state);
            }
            if (cause instanceof IOException || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE when the database itself refused, as opposed to a failure before or around it. */
    public static Optional<String> sqlStateOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            String state = sqlState(cause);
            if (state != null) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /**
     * The reason to log, in one line: which entry failed (when known), then the database's
     * own words with its SQLSTATE when it refused, else the innermost exception.
     */
    public static String describe(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        Throwable root = failure;
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof EntryFailure entry) {
                reason.append(entry.getMessage()).append(": ");
            }
            if (cause instanceof WriteRejectedException rejected) {
                return reason.append(rejected.getMessage()).toString();
            }
            if (cause instanceof PgException pg) {
                return reason.append("SQLSTATE ").append(pg.getSqlState()).append(' ').append(pg.getErrorMessage())
                        .append(pg.getDetail() == null ? "" : " (" + pg.getDetail() + ")").toString();
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return reason.append("SQLSTATE ").append(sql.getSQLState()).append(' ').append(sql.getMessage()).toString();
            }
            root = cause;
        }
        return reason.append(root).toString();
    }

    private static String sqlState(Throwable cause) {
        if (cause instanceof DatabaseException db) {
            return db.getSqlState();
        }
        if (cause instanceof SQLException sql) {
            return sql.getSQLState();
        }
        return null;
    }

    private static Throwable next(Throwable cause) {
        return cause.getCause() == cause ? null : cause.getCause();
    }
}
