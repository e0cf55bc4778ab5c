package io.checkpointrelay.applier.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.applier.write.TableWrite;
import io.checkpointrelay.applier.write.TableWriteHandler;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.smallrye.mutiny.Uni;

/** A deployment's table handlers are checked when the applier starts, not when a batch hits them. */
class TableWritesTest {

    private static final AppSchema SCHEMA = AppSchema.load(Path.of("../../deploy/demo/app-schema.yaml"));

    @Test
    void eachHandlerServesItsTable() {
        assertThat(TableWrites.byTable(List.of(handler("todos"), handler("lists")), SCHEMA)).containsOnlyKeys("todos", "lists");
    }

    @Test
    void aHandlerForATableOutsideTheSchemaStopsStartUp() {
        assertThatThrownBy(() -> TableWrites.byTable(List.of(handler("invoices")), SCHEMA))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("table 'invoices', which the application schema (relay.schema.file) does not have");
    }

    @Test
    void twoHandlersForOneTableStopStartUp() {
        assertThatThrownBy(() -> TableWrites.byTable(List.of(handler("todos"), handler("todos")), SCHEMA))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Table 'todos' has two write handlers");
    }

    private static TableWriteHandler handler(String table) {
        return new TableWriteHandler() {
            @Override
            public String table() {
                return table;
            }

            @Override
            public Uni<Void> write(TableWrite write) {
                return write.applyAsIs();
            }
        };
    }
}
