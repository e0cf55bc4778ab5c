package io.checkpointrelay.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.checkpointrelay.applier.write.WriteRejectedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** Which failures reject a batch, and which the applier retries. */
class FailuresTest {

    @ParameterizedTest
    @ValueSource(strings = { "40001", "40P01", "08000", "08006", "57P01", "57P03", "53300" })
    void passingDatabaseConditionsAreRetried(String sqlState) {
        assertThat(Failures.isTransient(pg(sqlState))).isTrue();
        assertThat(Failures.isTransient(new HibernateException("wrapped", new SQLException("x", sqlState)))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "23503", "23505", "23502", "23514", "22P02", "22007", "22001", "P0001" })
    void refusalsOfTheBatchsDataRejectIt(String sqlState) {
        assertThat(Failures.rejects(pg(sqlState))).isTrue();
        assertThat(Failures.rejects(new HibernateException("wrapped", pg(sqlState)))).isTrue();
        assertThat(Failures.isTransient(pg(sqlState))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "42P01", "42703", "42501", "40001", "08006", "57P01", "XX000" })
    void deploymentProblemsAndPassingConditionsNeverRejectABatch(String sqlState) {
        assertThat(Failures.rejects(pg(sqlState))).isFalse();
        assertThat(Failures.rejects(new HibernateException("wrapped", pg(sqlState)))).isFalse();
    }

    @Test
    void lostConnectionsAreRetried() {
        assertThat(Failures.isTransient(new ConnectException("Connection refused"))).isTrue();
        assertThat(Failures.isTransient(new HibernateException("wrapped", ClosedConnectionException.INSTANCE))).isTrue();
    }

    @Test
    void writesOutsideTheRulesAreRejectedButBugsAreNot() {
        assertThat(Failures.rejects(new EntryFailure("entry 0 (PUT x 1)", new WriteRejectedException("unknown table 'x'")))).isTrue();
        assertThat(Failures.describe(new EntryFailure("entry 0 (PUT x 1)", new WriteRejectedException("unknown table 'x'"))))
                .isEqualTo("entry 0 (PUT x 1): unknown table 'x'");
        assertThat(Failures.rejects(new IllegalStateException("a bug"))).isFalse();
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
        assertThat(Failures.rejects(failure)).isTrue();

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
