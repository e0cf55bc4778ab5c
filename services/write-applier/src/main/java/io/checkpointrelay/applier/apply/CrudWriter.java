package io.checkpointrelay.applier.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.checkpointrelay.applier.write.WriteRejectedException;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.schema.SqlIdentifier;
import io.checkpointrelay.protocol.schema.TableSchema;
import io.checkpointrelay.protocol.upload.ClientKey;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;
import io.smallrye.mutiny.Uni;

/**
 * The generic CRUD write of one client entry: checked against the application schema and its
 * ownership rules, then one statement from {@link CrudStatements}. A write that would touch
 * another user's stored row is rejected (the statements themselves never touch it, so a row
 * taken over between upload and apply is safe too).
 */
@ApplicationScoped
public class CrudWriter {

    private static final Logger LOG = Logger.getLogger(CrudWriter.class);

    private final AppSchema schema;
    private final CrudStatements statements;

    CrudWriter(AppSchema schema, CrudStatements statements) {
        this.schema = schema;
        this.statements = statements;
    }

    /**
     * @throws WriteRejectedException (as the Uni's failure, or thrown) when the entry is outside
     *         the schema, hands a row to another user, or touches another user's row
     */
    Uni<Void> write(Mutiny.Session session, ClientKey client, CrudEntry entry) {
        check(entry, client);
        return writeChecked(session, client, entry);
    }

    /** {@link #write} of an entry that already passed {@link #check}. */
    Uni<Void> writeChecked(Mutiny.Session session, ClientKey client, CrudEntry entry) {
        TableSchema table = schema.table(entry.type()).orElseThrow();
        List<String> columns = entry.op() == CrudOp.DELETE || entry.data() == null ? List.of() : names(entry.data().fieldNames());
        var statement = statements.statement(table, entry.op(), columns);
        if (statement.isEmpty()) {
            LOG.debugf("PATCH of %s %s without columns, nothing to write", entry.type(), entry.id());
            return Uni.createFrom().voidItem();
        }
        Mutiny.Query<Object> query = session.createNativeQuery(statement.get().sql());
        List<CrudStatement.Parameter> parameters = statement.get().parameters();
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, value(parameters.get(i), entry, client));
        }
        return query.executeUpdate()
                .chain(rows -> rows == 0 && table.ownerColumn() != null
                        ? rejectIfOwnedByAnother(session, table, entry, client)
                        : Uni.createFrom().voidItem());
    }

    /** The checks upload-api made, made again: a handler's mapped entry or an old record may not pass them. */
    void check(CrudEntry entry, ClientKey client) {
        List<String> problems = schema.problems(entry);
        if (!problems.isEmpty()) {
            throw new WriteRejectedException(String.join("; ", problems));
        }
        String ownership = schema.ownershipProblem(entry, client.userId());
        if (ownership != null) {
            throw new WriteRejectedException(ownership);
        }
    }

    /** No row written: fine when there is no such row; a row of another owner rejects the write. */
    private static Uni<Void> rejectIfOwnedByAnother(Mutiny.Session session, TableSchema table, CrudEntry entry, ClientKey client) {
        String sql = "SELECT 1 FROM " + SqlIdentifier.quote(table.name()) + " WHERE " + SqlIdentifier.quote(TableSchema.ID)
                + " = CAST(CAST(?1 AS text) AS "
                + table.idType().sqlType() + ")";
        return session.createNativeQuery(sql).setParameter(1, entry.id()).getResultList()
                .invoke(found -> {
                    if (!found.isEmpty()) {
                        throw new WriteRejectedException(entry.op() + " of " + table.name() + " " + entry.id()
                                + ": the row belongs to another user");
                    }
                })
                .replaceWithVoid();
    }

    private static String value(CrudStatement.Parameter parameter, CrudEntry entry, ClientKey client) {
        if (parameter.writer()) {
            return client.userId();
        }
        JsonNode value = TableSchema.ID.equals(parameter.column()) ? TextNode.valueOf(entry.id()) : entry.data().get(parameter.column());
        return parameter.type().toSqlText(value);
    }

    private static List<String> names(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
