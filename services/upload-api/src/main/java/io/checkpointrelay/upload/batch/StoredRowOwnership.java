package io.checkpointrelay.upload.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.checkpointrelay.protocol.schema.AppSchema;
import io.checkpointrelay.protocol.schema.ColumnType;
import io.checkpointrelay.protocol.schema.TableSchema;
import io.checkpointrelay.protocol.schema.SqlIdentifier;
import io.checkpointrelay.protocol.upload.CrudEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Refuses writes to rows that another user already owns. {@link AppSchema#ownershipProblem}
 * checks what a batch says; this checks what is stored: for each table with an
 * {@code owner_column} that a batch writes, one query finds the ids that exist with another
 * owner (or none). Rows that do not exist yet may be created. The write-applier checks again
 * inside its transaction, because a row may be created or change hands between this check and
 * the apply; this check exists so the client hears about it now, with a 403, instead of a
 * batch being undone later.
 */
@ApplicationScoped
public class StoredRowOwnership {

    private final AppSchema schema;
    private final Pool pool;
    /** Per owned table; identifiers only from the schema file (quoted anyway), values as parameters. */
    private final Map<String, String> queries = new LinkedHashMap<>();

    public StoredRowOwnership(AppSchema schema, Pool pool) {
        this.schema = schema;
        this.pool = pool;
        for (TableSchema table : schema.tables().values()) {
            if (table.ownerColumn() != null) {
                queries.put(table.name(), query(table));
            }
        }
    }

    /**
     * The ids are sent as text and cast on the server: the driver would otherwise have to send
     * a uuid array, and an index scan on {@code id} stays possible either way.
     */
    private static String query(TableSchema table) {
        String id = SqlIdentifier.quote(TableSchema.ID);
        return "SELECT " + id + "::text FROM " + SqlIdentifier.quote(table.name())
                + " WHERE " + id + " = ANY($1::text[]::" + table.idType().sqlType() + "[])"
                + " AND " + SqlIdentifier.quote(table.ownerColumn()) + "::text IS DISTINCT FROM $2";
    }

    /**
     * Completes when every row the entries write in owned tables is new or owned by
     * {@code userId}; otherwise fails with {@link RowOwnedByAnotherUserException} naming the
     * entries (never the other owner), or with {@link OwnershipCheckUnavailableException} when the
     * database does not answer. Entries must already have passed the schema checks.
     */
    public Uni<Void> check(String userId, List<CrudEntry> entries) {
        Map<String, Set<String>> idsByTable = new LinkedHashMap<>();
        for (CrudEntry entry : entries) {
            if (queries.containsKey(entry.type())) {
                idsByTable.computeIfAbsent(entry.type(), table -> new LinkedHashSet<>()).add(entry.id());
            }
        }
        if (idsByTable.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Set<String>>> lookups = new ArrayList<>();
        idsByTable.forEach((table, ids) -> lookups.add(ownedByOthers(table, ids, userId)));
        return Uni.join().all(lookups).andFailFast()
                .onFailure().transform(OwnershipCheckUnavailableException::new)
                .invoke(found -> {
                    Set<String> refused = new HashSet<>();
                    found.forEach(refused::addAll);
                    if (!refused.isEmpty()) {
                        throw new RowOwnedByAnotherUserException(problems(entries, refused));
                    }
                })
                .replaceWithVoid();
    }

    /** Keys {@code table/id} of the given rows that exist with another owner. */
    private Uni<Set<String>> ownedByOthers(String table, Set<String> ids, String userId) {
        return pool.preparedQuery(queries.get(table))
                .execute(Tuple.of(ids.toArray(String[]::new), userId))
                .map(rows -> {
                    Set<String> keys = new HashSet<>();
                    for (Row row : rows) {
                        keys.add(key(table, row.getString(0)));
                    }
                    return keys;
                });
    }

    private List<String> problems(List<CrudEntry> entries, Set<String> refused) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            CrudEntry entry = entries.get(i);
            if (queries.containsKey(entry.type()) && refused.contains(key(entry.type(), entry.id()))) {
                problems.add("batch[" + i + "]: row '" + entry.id() + "' of table '" + entry.type()
                        + "' belongs to another user, you may not " + entry.op() + " it");
            }
        }
        return problems;
    }

    /** PostgreSQL prints uuids in lower case; clients may send them in upper case. */
    private String key(String table, String id) {
        ColumnType idType = schema.tables().get(table).idType();
        return table + "/" + (idType == ColumnType.UUID ? id.toLowerCase(Locale.ROOT) : id);
    }
}
