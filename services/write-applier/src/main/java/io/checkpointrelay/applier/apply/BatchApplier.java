package io.checkpointrelay.applier.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.checkpointrelay.applier.checkpoint.CheckpointWriter;
import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.schema.TableSchema;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.checkpointrelay.protocol.upload.CrudOp;
import io.checkpointrelay.protocol.upload.QueuedBatch;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Applies one queued batch in one database transaction: its entries in client order, then,
 * when the batch carries a checkpoint request, the client's checkpoint row. Either all of it
 * commits or none of it does, so a checkpoint never covers writes that are not there.
 */
@ApplicationScoped
public class BatchApplier {

    private static final Logger LOG = Logger.getLogger(BatchApplier.class);

    /** One entry ready to execute. */
    private record Write(int index, CrudEntry entry, CrudStatement statement, List<String> values) {
        String describe() {
            return "entry " + index + " (" + entry.op() + " " + entry.type() + " " + entry.id() + ")";
        }
    }

    private final Mutiny.SessionFactory sessionFactory;
    private final AppSchema schema;
    private final CrudStatements statements;
    private final CheckpointWriter checkpoints;

    BatchApplier(Mutiny.SessionFactory sessionFactory, AppSchema schema, CrudStatements statements, CheckpointWriter checkpoints) {
        this.sessionFactory = sessionFactory;
        this.schema = schema;
        this.statements = statements;
        this.checkpoints = checkpoints;
    }

    /**
     * Runs the batch's transaction; the returned Uni is lazy and starts a fresh transaction on
     * every subscription, so it may be retried as a whole.
     *
     * @return how many entries were written (a PATCH without columns writes nothing)
     * @throws PermanentApplyFailure (as the Uni's failure) when an entry is outside the schema
     */
    public Uni<Integer> apply(QueuedBatch batch) {
        return Uni.createFrom().deferred(() -> {
            List<Write> writes = plan(batch);
            return sessionFactory.withTransaction(session -> Multi.createFrom().iterable(writes)
                    .onItem().transformToUniAndConcatenate(write -> execute(session, batch, write))
                    .collect().last()
                    .chain(() -> batch.checkpointRequestId() == null
                            ? Uni.createFrom().voidItem()
                            : checkpoints.advance(session, batch.clientKey(), batch.checkpointRequestId()))
                    .replaceWith(writes.size()));
        });
    }

    /** Checks every entry before the transaction starts, so a bad batch never half-runs. */
    private List<Write> plan(QueuedBatch batch) {
        if (batch.userId() == null || batch.clientId() == null) {
            throw new PermanentApplyFailure("batch has no user_id or client_id");
        }
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < batch.entries().size(); i++) {
            CrudEntry entry = batch.entries().get(i);
            List<String> problems = schema.problems(entry);
            if (!problems.isEmpty()) {
                throw new PermanentApplyFailure("entry " + i + ": " + String.join("; ", problems));
            }
            TableSchema table = schema.table(entry.type()).orElseThrow();
            List<String> columns = entry.op() == CrudOp.DELETE || entry.data() == null
                    ? List.of()
                    : iterate(entry.data().fieldNames());
            int index = i;
            statements.statement(table, entry.op(), columns)
                    .ifPresentOrElse(
                            statement -> writes.add(new Write(index, entry, statement, values(statement, entry))),
                            () -> LOG.debugf("Batch %s entry %d: PATCH of %s %s without columns, nothing to write",
                                    batch.batchId(), index, entry.type(), entry.id()));
        }
        return writes;
    }

    private static List<String> values(CrudStatement statement, CrudEntry entry) {
        List<String> values = new ArrayList<>(statement.parameters().size());
        for (CrudStatement.Parameter parameter : statement.parameters()) {
            JsonNode value = TableSchema.ID.equals(parameter.column())
                    ? TextNode.valueOf(entry.id())
                    : entry.data().get(parameter.column());
            values.add(parameter.type().toSqlText(value));
        }
        return values;
    }

    private static Uni<Integer> execute(Mutiny.Session session, QueuedBatch batch, Write write) {
        Mutiny.Query<Object> query = session.createNativeQuery(write.statement().sql());
        for (int i = 0; i < write.values().size(); i++) {
            query.setParameter(i + 1, write.values().get(i));
        }
        return query.executeUpdate()
                .invoke(rows -> {
                    if (rows == 0 && write.entry().op() != CrudOp.PUT) {
                        LOG.debugf("Batch %s %s found no row", batch.batchId(), write.describe());
                    }
                })
                .onFailure().transform(failure -> new EntryFailure(write.describe(), failure));
    }

    private static List<String> iterate(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
