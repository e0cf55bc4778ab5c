package io.checkpointrelay.applier.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.checkpointrelay.applier.apply.CrudStatement.Parameter;
import io.checkpointrelay.applier.write.WriteRejectedException;
import io.checkpointrelay.protocol.schema.ColumnType;
import io.checkpointrelay.protocol.schema.TableSchema;
import io.checkpointrelay.protocol.schema.SqlIdentifier;
import io.checkpointrelay.protocol.upload.CrudOp;

/**
 * Builds the SQL for a client operation. Table and column names come only from the
 * application schema (plain lower-case identifiers, quoted anyway); every value is a text
 * parameter cast to its column's type, so one binding path serves every type. Statements are
 * cached per table, operation and column set, which the schema keeps small.
 *
 * <p>On a table with an {@code owner_column}, every statement touches a stored row only when
 * that row's owner is the writer (a last parameter): a write to another user's row changes
 * nothing and reports no row, and {@link CrudWriter} then tells that apart from a missing row.
 */
@ApplicationScoped
public class CrudStatements {

    private record Shape(String table, CrudOp op, List<String> columns) {
    }

    private final Map<Shape, CrudStatement> cache = new ConcurrentHashMap<>();

    /**
     * The statement for {@code op} on {@code table} writing {@code columns} (besides {@code id}),
     * or empty when there is nothing to do (a PATCH without columns).
     */
    Optional<CrudStatement> statement(TableSchema table, CrudOp op, List<String> columns) {
        List<String> ordered = canonical(table, columns);
        if (op == CrudOp.PATCH && ordered.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(cache.computeIfAbsent(new Shape(table.name(), op, ordered), shape -> build(table, shape)));
    }

    private static CrudStatement build(TableSchema table, Shape shape) {
        return switch (shape.op()) {
            case PUT -> upsert(table, shape.columns());
            case PATCH -> update(table, shape.columns());
            case DELETE -> delete(table);
        };
    }

    private static CrudStatement upsert(TableSchema table, List<String> columns) {
        List<Parameter> parameters = new ArrayList<>();
        parameters.add(parameter(table, TableSchema.ID));
        columns.forEach(column -> parameters.add(parameter(table, column)));
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(SqlIdentifier.quote(table.name())).append(" (")
                .append(parameters.stream().map(p -> SqlIdentifier.quote(p.column())).collect(Collectors.joining(", ")))
                .append(") VALUES (");
        for (int i = 0; i < parameters.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(cast(i + 1, parameters.get(i)));
        }
        sql.append(") ON CONFLICT (").append(SqlIdentifier.quote(TableSchema.ID)).append(")");
        // PUT replaces the whole row, and PowerSync leaves null columns out of PUT data: every
        // other column goes back to DEFAULT, so the row equals what an INSERT of the data yields.
        List<String> assignments = new ArrayList<>();
        for (String column : table.columns().keySet()) {
            if (!TableSchema.ID.equals(column)) {
                assignments.add(SqlIdentifier.quote(column) + (columns.contains(column) ? " = EXCLUDED." + SqlIdentifier.quote(column) : " = DEFAULT"));
            }
        }
        if (assignments.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            sql.append(" DO UPDATE SET ").append(String.join(", ", assignments));
            ownedByWriter(table, parameters, sql, " WHERE " + SqlIdentifier.quote(table.name()) + ".");
        }
        return new CrudStatement(sql.toString(), parameters);
    }

    private static CrudStatement update(TableSchema table, List<String> columns) {
        List<Parameter> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("UPDATE ").append(SqlIdentifier.quote(table.name())).append(" SET ");
        for (String column : columns) {
            parameters.add(parameter(table, column));
            sql.append(parameters.size() == 1 ? "" : ", ")
                    .append(SqlIdentifier.quote(column)).append(" = ").append(cast(parameters.size(), parameters.getLast()));
        }
        parameters.add(parameter(table, TableSchema.ID));
        sql.append(" WHERE ").append(SqlIdentifier.quote(TableSchema.ID)).append(" = ").append(cast(parameters.size(), parameters.getLast()));
        ownedByWriter(table, parameters, sql, " AND ");
        return new CrudStatement(sql.toString(), parameters);
    }

    private static CrudStatement delete(TableSchema table) {
        List<Parameter> parameters = new ArrayList<>(List.of(parameter(table, TableSchema.ID)));
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(SqlIdentifier.quote(table.name()))
                .append(" WHERE ").append(SqlIdentifier.quote(TableSchema.ID)).append(" = ").append(cast(1, parameters.getFirst()));
        ownedByWriter(table, parameters, sql, " AND ");
        return new CrudStatement(sql.toString(), parameters);
    }

    /** On a table with owners, appends {@code prefix} and "the stored row's owner is the writer". */
    private static void ownedByWriter(TableSchema table, List<Parameter> parameters, StringBuilder sql, String prefix) {
        if (table.ownerColumn() == null) {
            return;
        }
        parameters.add(new Parameter(table.ownerColumn(), table.column(table.ownerColumn()).orElseThrow(), true));
        sql.append(prefix).append(SqlIdentifier.quote(table.ownerColumn())).append(" = ").append(cast(parameters.size(), parameters.getLast()));
    }

    /** Sorted, without {@code id}: one cache entry per column set, whatever order clients send. */
    private static List<String> canonical(TableSchema table, List<String> columns) {
        List<String> sorted = columns.stream().filter(c -> !TableSchema.ID.equals(c)).distinct().sorted().toList();
        for (String column : sorted) {
            if (table.column(column).isEmpty()) {
                // Callers validate entries against the schema first; this guards the SQL itself.
                throw new WriteRejectedException("unknown column '" + column + "' of table '" + table.name() + "'");
            }
        }
        return sorted;
    }

    private static Parameter parameter(TableSchema table, String column) {
        return new Parameter(column, table.column(column).orElseThrow(), false);
    }

    /**
     * The parameter is declared text first: PostgreSQL would otherwise infer it as the target
     * type, and the client driver would then refuse to send a Java string for, say, a uuid.
     */
    private static String cast(int position, Parameter parameter) {
        String text = "CAST(?" + position + " AS text)";
        return parameter.type() == ColumnType.TEXT ? text : "CAST(" + text + " AS " + parameter.type().sqlType() + ")";
    }
}
