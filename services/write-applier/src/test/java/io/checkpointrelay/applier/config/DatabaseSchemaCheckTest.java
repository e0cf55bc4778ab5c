package io.checkpointrelay.applier.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.RelayStackResource;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A database without the tables the applier writes stops it at start-up, saying what is missing. */
@QuarkusTest
@WithTestResource(RelayStackResource.class)
class DatabaseSchemaCheckTest {

    @Inject
    Mutiny.SessionFactory sessionFactory;

    @Inject
    AppSchema demoSchema;

    @Inject
    RelayConfig config;

    @Test
    void theDemoDatabasePassesTheCheck() {
        assertThatCode(() -> new DatabaseSchemaCheck(sessionFactory, demoSchema, config).verify()).doesNotThrowAnyException();
    }

    @Test
    void missingTablesAndColumnsAreNamed() {
        AppSchema schema = AppSchema.parse(new ByteArrayInputStream("""
                tables:
                  lists:
                    columns:
                      id: uuid
                      name: text
                      colour: text
                  notes:
                    columns:
                      id: uuid
                """.getBytes(StandardCharsets.UTF_8)), "test schema");

        assertThatThrownBy(() -> new DatabaseSchemaCheck(sessionFactory, schema, config).verify())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("table 'lists' lacks columns [colour]")
                .hasMessageContaining("table 'notes' does not exist")
                .hasMessageContaining("deploy/demo/schema.sql");
    }
}
