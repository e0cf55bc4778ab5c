package io.checkpointrelay.bridge.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Turns the SQL of sync rules into {@link ParameterQuery} and {@link DataQuery}, accepting only
 * the subset the bridge evaluates; anything else is rejected with a sentence saying why.
 */
final class QueryParser {

    private static final String BUCKET = "bucket";

    private QueryParser() {
    }

    /** {@code SELECT request.user_id() AS a, request.jwt() ->> 'c' AS b, request.parameters() ->> 'p' AS c}. */
    static ParameterQuery parameterQuery(String sql) {
        PlainSelect select = plainSelect(sql);
        if (select.getFromItem() != null) {
            throw new SyncRulesException("parameter queries that read tables are not supported yet; "
                    + "use request.user_id(), request.jwt() ->> 'claim' or request.parameters() ->> 'name'");
        }
        if (select.getWhere() != null) {
            throw new SyncRulesException("WHERE is not supported in parameter queries without a table");
        }
        List<String> names = new ArrayList<>();
        List<RequestValue> values = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            if (item.getAlias() == null) {
                throw new SyncRulesException("every parameter needs a name: add AS <name> to '" + item + "'");
            }
            String name = SourceTable.fold(item.getAlias().getName());
            if (names.contains(name)) {
                throw new SyncRulesException("parameter '" + name + "' is defined twice");
            }
            names.add(name);
            values.add(requestValue(item.getExpression()));
        }
        return new ParameterQuery(sql, names, values);
    }

    private static RequestValue requestValue(Expression expression) {
        if (expression instanceof Function function && isRequestFunction(function, "user_id")) {
            return new RequestValue.UserId();
        }
        if (expression instanceof Column column && column.getTable() != null
                && "token_parameters".equalsIgnoreCase(column.getTable().getName())
                && "user_id".equalsIgnoreCase(column.getColumnName())) {
            return new RequestValue.UserId();
        }
        if (expression instanceof JsonExpression json && json.getExpression() instanceof Function function
                && json.getIdentList().size() == 1 && "->>".equals(json.getIdent(0).getValue())
                && json.getIdent(0).getKey() instanceof StringValue key) {
            if (isRequestFunction(function, "jwt")) {
                return new RequestValue.JwtClaim(key.getValue());
            }
            if (isRequestFunction(function, "parameters")) {
                return new RequestValue.ClientParameter(key.getValue());
            }
        }
        throw new SyncRulesException("unsupported parameter expression '" + expression + "'; supported: "
                + "request.user_id(), request.jwt() ->> 'claim', request.parameters() ->> 'name'");
    }

    private static boolean isRequestFunction(Function function, String name) {
        List<String> parts = function.getMultipartName();
        return parts != null && parts.size() == 2 && "request".equalsIgnoreCase(parts.get(0))
                && name.equalsIgnoreCase(parts.get(1))
                && (function.getParameters() == null || function.getParameters().isEmpty());
    }

    /**
     * {@code SELECT * | col [AS alias], ... FROM table [AS type] [WHERE col = bucket.p [AND col = literal]...]}.
     *
     * @param parameterNames the definition's bucket parameters, each of which the query must bind
     */
    static DataQuery dataQuery(String sql, List<String> parameterNames) {
        PlainSelect select = plainSelect(sql);
        if (!(select.getFromItem() instanceof Table table)) {
            throw new SyncRulesException("a data query reads exactly one table: FROM <table>");
        }
        if (select.getJoins() != null && !select.getJoins().isEmpty()) {
            throw new SyncRulesException("JOIN is not supported in data queries");
        }
        if (select.getDistinct() != null || select.getGroupBy() != null || select.getHaving() != null
                || select.getOrderByElements() != null || select.getLimit() != null || select.getOffset() != null
                || select.getFetch() != null || select.getWithItemsList() != null) {
            throw new SyncRulesException("DISTINCT, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and WITH are not supported in data queries");
        }
        SourceTable source = table.getSchemaName() == null
                ? new SourceTable(SourceTable.DEFAULT_SCHEMA, SourceTable.fold(table.getName()))
                : new SourceTable(SourceTable.fold(table.getSchemaName()), SourceTable.fold(table.getName()));
        String alias = table.getAlias() == null ? null : SourceTable.fold(table.getAlias().getName());
        String objectType = alias == null ? source.name() : alias;

        List<DataQuery.OutputColumn> columns = outputColumns(select.getSelectItems(), source, alias);

        Map<String, String> bindings = new LinkedHashMap<>();
        List<DataQuery.LiteralFilter> filters = new ArrayList<>();
        if (select.getWhere() != null) {
            for (Expression condition : conjuncts(select.getWhere())) {
                condition(condition, source, alias, parameterNames, bindings, filters);
            }
        }
        List<String> parameterColumns = new ArrayList<>();
        for (String parameter : parameterNames) {
            String column = bindings.get(parameter);
            if (column == null) {
                throw new SyncRulesException("the query must use every bucket parameter: add "
                        + "'AND <column> = bucket." + parameter + "'");
            }
            parameterColumns.add(column);
        }
        return new DataQuery(sql, source, objectType, columns, parameterColumns, filters);
    }

    private static List<DataQuery.OutputColumn> outputColumns(List<SelectItem<?>> items, SourceTable table, String alias) {
        if (items.size() == 1 && items.get(0).getExpression() instanceof AllColumns all && all.getExceptColumns() == null
                && all.getReplaceExpressions() == null) {
            return List.of();
        }
        List<DataQuery.OutputColumn> columns = new ArrayList<>();
        boolean hasId = false;
        for (SelectItem<?> item : items) {
            if (!(item.getExpression() instanceof Column column)) {
                throw new SyncRulesException("only * or plain columns [AS name] can be selected, not '" + item + "'");
            }
            String source = columnName(column, table, alias);
            String name = item.getAlias() == null ? source : SourceTable.fold(item.getAlias().getName());
            hasId |= name.equals("id");
            columns.add(new DataQuery.OutputColumn(source, name));
        }
        if (!hasId) {
            throw new SyncRulesException("the query must select an id column (the object id clients see)");
        }
        return columns;
    }

    private static List<Expression> conjuncts(Expression where) {
        List<Expression> result = new ArrayList<>();
        if (where instanceof AndExpression and) {
            result.addAll(conjuncts(and.getLeftExpression()));
            result.addAll(conjuncts(and.getRightExpression()));
        } else {
            result.add(where);
        }
        return result;
    }

    private static void condition(Expression condition, SourceTable table, String alias, List<String> parameterNames,
            Map<String, String> bindings, List<DataQuery.LiteralFilter> filters) {
        if (!(condition instanceof EqualsTo equals)) {
            throw new SyncRulesException("unsupported condition '" + condition + "'; only "
                    + "<column> = bucket.<parameter> and <column> = <literal> joined by AND are supported");
        }
        Expression left = equals.getLeftExpression();
        Expression right = equals.getRightExpression();
        if (isBucketParameter(left)) {
            Expression swap = left;
            left = right;
            right = swap;
        }
        if (!(left instanceof Column column) || isBucketParameter(left) || isBooleanWord(left)) {
            throw new SyncRulesException("unsupported condition '" + condition + "'; one side must be a column of " + table);
        }
        String columnName = columnName(column, table, alias);
        if (right instanceof Column parameterColumn && isBucketParameter(parameterColumn)) {
            String parameter = SourceTable.fold(parameterColumn.getColumnName());
            if (!parameterNames.contains(parameter)) {
                throw new SyncRulesException("unknown bucket parameter 'bucket." + parameter + "'"
                        + (parameterNames.isEmpty() ? "; this definition has no parameters"
                                : "; defined: " + String.join(", ", parameterNames)));
            }
            if (bindings.putIfAbsent(parameter, columnName) != null) {
                throw new SyncRulesException("bucket." + parameter + " is compared more than once");
            }
            return;
        }
        filters.add(new DataQuery.LiteralFilter(columnName, literal(right, condition)));
    }

    private static Object literal(Expression expression, Expression condition) {
        if (expression instanceof StringValue text) {
            return text.getValue().replace("''", "'");
        }
        if (expression instanceof LongValue number) {
            return new JsonNumber(number.getStringValue());
        }
        if (expression instanceof DoubleValue number) {
            return new JsonNumber(number.toString());
        }
        if (expression instanceof SignedExpression signed && signed.getSign() == '-'
                && (signed.getExpression() instanceof LongValue || signed.getExpression() instanceof DoubleValue)) {
            return new JsonNumber("-" + signed.getExpression());
        }
        if (expression instanceof BooleanValue bool) {
            return bool.getValue() ? JsonNumber.ONE : JsonNumber.ZERO;
        }
        if (isBooleanWord(expression)) {
            return "true".equalsIgnoreCase(((Column) expression).getColumnName()) ? JsonNumber.ONE : JsonNumber.ZERO;
        }
        throw new SyncRulesException("unsupported condition '" + condition + "'; compare a column with "
                + "bucket.<parameter>, a 'string', a number, true or false");
    }

    private static boolean isBooleanWord(Expression expression) {
        return expression instanceof Column column && column.getTable() == null
                && ("true".equalsIgnoreCase(column.getColumnName()) || "false".equalsIgnoreCase(column.getColumnName()));
    }

    private static boolean isBucketParameter(Expression expression) {
        return expression instanceof Column column && column.getTable() != null
                && column.getTable().getSchemaName() == null && BUCKET.equalsIgnoreCase(column.getTable().getName());
    }

    private static String columnName(Column column, SourceTable table, String alias) {
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null) {
            String name = SourceTable.fold(qualifier.getName());
            if (!name.equals(table.name()) && !name.equals(alias)) {
                throw new SyncRulesException("column '" + column + "' does not belong to " + table);
            }
        }
        return SourceTable.fold(column.getColumnName());
    }

    private static PlainSelect plainSelect(String sql) {
        Statement statement;
        try {
            statement = CCJSqlParserUtil.parse(sql);
        } catch (JSQLParserException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage().lines().findFirst().orElse("");
            throw new SyncRulesException("not valid SQL: " + message, e);
        }
        if (!(statement instanceof PlainSelect select)) {
            throw new SyncRulesException("only a plain SELECT is supported");
        }
        return select;
    }
}
