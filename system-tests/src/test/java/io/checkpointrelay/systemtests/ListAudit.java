package io.checkpointrelay.systemtests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.checkpointrelay.stack.LocalStack;

/**
 * Every write of a row of the demo's {@code lists} table, in the order the database made them:
 * an AFTER INSERT OR UPDATE trigger appends the row's id and name with a sequence number. A PUT
 * or PATCH applied twice leaves the row as applied once, but the audit shows both writes; a
 * batch applied out of order shows as names out of order.
 */
final class ListAudit {

    private static final String INSTALL = """
            CREATE SCHEMA IF NOT EXISTS write_audit;
            CREATE TABLE IF NOT EXISTS write_audit.list_writes (
                seq bigserial PRIMARY KEY,
                list_id uuid NOT NULL,
                name text NOT NULL,
                operation text NOT NULL,
                written_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            CREATE OR REPLACE FUNCTION write_audit.record_list_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO write_audit.list_writes (list_id, name, operation) VALUES (NEW.id, NEW.name, TG_OP);
                RETURN NULL;
            END
            $$;
            DROP TRIGGER IF EXISTS lists_write_audit ON lists;
            CREATE TRIGGER lists_write_audit AFTER INSERT OR UPDATE ON lists
                FOR EACH ROW EXECUTE FUNCTION write_audit.record_list_write();
            """;

    private final LocalStack stack;

    private ListAudit(LocalStack stack) {
        this.stack = stack;
    }

    static ListAudit install(LocalStack stack) throws SQLException {
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE); Statement statement = db.createStatement()) {
            statement.execute(INSTALL);
        }
        return new ListAudit(stack);
    }

    /** The names each list was written with, oldest first. */
    Map<UUID, List<String>> names(Collection<UUID> lists) throws SQLException {
        Map<UUID, List<String>> names = new LinkedHashMap<>();
        lists.forEach(list -> names.put(list, new ArrayList<>()));
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE);
                PreparedStatement query = db.prepareStatement(
                        "SELECT list_id, name FROM write_audit.list_writes WHERE list_id = ANY (?) ORDER BY seq")) {
            query.setArray(1, db.createArrayOf("uuid", lists.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    names.get(rs.getObject(1, UUID.class)).add(rs.getString(2));
                }
            }
        }
        return names;
    }
}
