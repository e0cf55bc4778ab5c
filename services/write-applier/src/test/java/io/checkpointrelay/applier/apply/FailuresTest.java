package io.checkpointrelay.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** Which failures the applier retries, and which stop it. */
class FailuresTest {

    @ParameterizedTest
    @ValueSource(strings = { "40001", "40P01", "08000", "08006", "57P01", "57P03", "53300" })
    void passingDatabaseConditionsAreRetried(String sqlState) {
        assertThat(Failures.isTransient(pg(sqlState))).isTrue();
        assertThat(Failures.isTransient(new HibernateException("wrapped", new SQLException("x", sqlState)))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "23503", "23505", "23502", "22P02", "22007", "42P01", "42703", "42P10" })
    void refusalsThatRetryingCannotChangeArePermanent(String sqlState) {
        assertThat(Failures.isTransient(pg(sqlState))).isFalse();
        assertThat(Failures.isTransient(new HibernateException("wrapped", pg(sqlState)))).isFalse();
    }

    @Test
    void lostConnectionsAreRetried() {
        assertThat(Failures.isTransient(new ConnectException("Connection refused"))).isTrue();
        assertThat(Failures.isTransient(new HibernateException("wrapped", ClosedConnectionException.INSTANCE))).isTrue();
    }

    @Test
    void batchesOutsideTheSchemaAndUnknownErrorsArePermanent() {
        assertThat(Failures.isTransient(new PermanentApplyFailure("entry 0: unknown table 'x'"))).isFalse();
        assertThat(Failures.isTransient(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void theLoggedReasonNamesTheEntryAndTheDatabaseRefusal() {
        // The shape Hibernate Reactive produces: its own exception around an SQLException.
        Throwable failure = new EntryFailure("entry 1 (PUT todos 5f0c)", new HibernateException("error executing SQL statement",
                new SQLException("ERROR: insert or update on table \"todos\" violates foreign key constraint", "23503")));
        assertThat(Failures.describe(failure))
                .startsWith("entry 1 (PUT todos 5f0c): SQLSTATE 23503 ")
                .contains("violates foreign key constraint");
        assertThat(Failures.isTransient(failure)).isFalse();

        PgException fk = new PgException("insert or update on table \"todos\" violates foreign key constraint", "ERROR",
                "23503", "Key (list_id)=(x) is not present in table \"lists\".");
        assertThat(Failures.describe(new HibernateException("wrapped", fk)))
                .contains("SQLSTATE 23503")
                .contains("is not present in table");
    }

    private static PgException pg(String sqlState) {
        return new PgException("message", "ERROR", sqlState, null);
    }
}
