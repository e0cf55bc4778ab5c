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
    private static final String REQUEST_VALUES = "request.user_id(), request.jwt() ->> 'claim', "
            + "request.parameters() ->> 'name', token_parameters.name";

    private QueryParser() {
    }

    /**
     * {@code SELECT request.user_id() AS a, request.jwt() ->> 'c' AS b, request.parameters() ->> 'p' AS c},
     * or one that reads a table: see {@link #tableParameterQuery}.
     *
     * @param id identifies a table parameter query in the parameter index
     */
    static ParameterQuery parameterQuery(String sql, String id, QuerySource source) {
        PlainSelect select = plainSelect(sql);
        if (select.getFromItem() != null) {
            return tableParameterQuery(select, sql, id, source);
        }
        if (select.getWhere() != null) {
            throw new SyncRulesException("WHERE is not supported in parameter queries without a table");
        }
        List<String> names = new ArrayList<>();
        List<RequestValue> values = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            RequestValue value = requestValue(item.getExpression());
            if (value == null) {
                throw new SyncRulesException("unsupported parameter expression '" + item.getExpression() + "'; supported: "
                        + REQUEST_VALUES + ", or columns of a table (add FROM <table> WHERE <column> = <request value>)");
            }
            names.add(parameterName(item, null, names));
            values.add(value);
        }
        return new StaticParameterQuery(sql, source, names, values);
    }

    /**
     * {@code SELECT col [AS name] | <request value> AS name, ... FROM table
     * [WHERE col = <request value> | col = literal [AND ...]]}: each row is filed in the parameter
     * index under the values of its columns compared with request values.
     */
    private static TableParameterQuery tableParameterQuery(PlainSelect select, String sql, String id, QuerySource source) {
        Table from = singleTable(select, "parameter queries");
        SourceTable table = sourceTable(from);
        String alias = alias(from);
        List<String> names = new ArrayList<>();
        List<TableParameterQuery.Output> outputs = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            Expression expression = item.getExpression();
            RequestValue value = requestValue(expression);
            if (value != null) {
                names.add(parameterName(item, null, names));
                outputs.add(new TableParameterQuery.RequestOutput(value));
            } else if (expression instanceof Column column && !isBucketParameter(column) && !isBooleanWord(column)) {
                String columnName = columnName(column, table, alias);
                names.add(parameterName(item, columnName, names));
                outputs.add(new TableParameterQuery.ColumnOutput(columnName));
            } else {
                throw new SyncRulesException("only columns of " + table + " [AS name] and request values AS name can be "
                        + "selected in a parameter query, not '" + item + "'");
            }
        }
        List<TableParameterQuery.LookupCondition> lookups = new ArrayList<>();
        List<DataQuery.LiteralFilter> filters = new ArrayList<>();
        if (select.getWhere() != null) {
            for (Expression condition : conjuncts(select.getWhere())) {
                EqualsTo equals = equality(condition, "<column> = <request value> and <column> = <literal>");
                Expression left = equals.getLeftExpression();
                Expression right = equals.getRightExpression();
                if (requestValue(left) != null) {
                    Expression swap = left;
                    left = right;
                    right = swap;
                }
                if (isBucketParameter(left) || isBucketParameter(right)) {
                    throw new SyncRulesException("bucket parameters cannot be used in parameter queries: '" + condition + "'");
                }
                String column = tableColumn(left, condition, table, alias);
                RequestValue value = requestValue(right);
                if (value != null) {
                    lookups.add(new TableParameterQuery.LookupCondition(column, value));
                } else {
                    filters.add(new DataQuery.LiteralFilter(column, literal(right, condition, "a request value")));
                }
            }
        }
        return new TableParameterQuery(id, sql, source, table, names, outputs, lookups, filters);
    }

    private static String parameterName(SelectItem<?> item, String columnName, List<String> defined) {
        String name;
        if (item.getAlias() != null) {
            name = SourceTable.fold(item.getAlias().getName());
        } else if (columnName != null) {
            name = columnName;
        } else {
            throw new SyncRulesException("every parameter needs a name: add AS <name> to '" + item + "'");
        }
        if (defined.contains(name)) {
            throw new SyncRulesException("parameter '" + name + "' is defined twice");
        }
        return name;
    }

    /** The request value {@code expression} reads, or null when it is no request value. */
    private static RequestValue requestValue(Expression expression) {
        if (expression instanceof Function function && isRequestFunction(function, "user_id")) {
            return new RequestValue.UserId();
        }
        if (expression instanceof Column column && column.getTable() != null && column.getTable().getSchemaName() == null
                && column.getTable().getName() != null) {
            String qualifier = column.getTable().getName();
            String name = unquote(column.getColumnName());
            if ("token_parameters".equalsIgnoreCase(qualifier)) {
                return "user_id".equals(name) ? new RequestValue.UserId() : new RequestValue.TokenParameter(name);
            }
            if ("user_parameters".equalsIgnoreCase(qualifier)) {
                return new RequestValue.ClientParameter(name);
            }
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
        return null;
    }

    private static String unquote(String identifier) {
        return identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")
                ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"") : identifier;
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
    static DataQuery dataQuery(String sql, List<String> parameterNames, QuerySource source) {
        PlainSelect select = plainSelect(sql);
        Table from = singleTable(select, "data queries");
        SourceTable table = sourceTable(from);
        String alias = alias(from);
        String objectType = alias == null ? table.name() : alias;

        List<DataQuery.OutputColumn> columns = outputColumns(select.getSelectItems(), table, alias);

        Map<String, String> bindings = new LinkedHashMap<>();
        List<DataQuery.LiteralFilter> filters = new ArrayList<>();
        if (select.getWhere() != null) {
            for (Expression condition : conjuncts(select.getWhere())) {
                condition(condition, table, alias, parameterNames, bindings, filters);
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
        return new DataQuery(sql, source, table, objectType, columns, parameterColumns, filters);
    }

    /** The one table a query reads; JOIN, DISTINCT, GROUP BY and the like are refused. */
    private static Table singleTable(PlainSelect select, String kind) {
        if (!(select.getFromItem() instanceof Table table)) {
            throw new SyncRulesException(kind + " read exactly one table: FROM <table>");
        }
        if (select.getJoins() != null && !select.getJoins().isEmpty()) {
            throw new SyncRulesException("JOIN is not supported in " + kind);
        }
        if (select.getDistinct() != null || select.getGroupBy() != null || select.getHaving() != null
                || select.getOrderByElements() != null || select.getLimit() != null || select.getOffset() != null
                || select.getFetch() != null || select.getWithItemsList() != null) {
            throw new SyncRulesException("DISTINCT, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and WITH are not supported in "
                    + kind);
        }
        return table;
    }

    private static SourceTable sourceTable(Table table) {
        return table.getSchemaName() == null
                ? new SourceTable(SourceTable.DEFAULT_SCHEMA, SourceTable.fold(table.getName()))
                : new SourceTable(SourceTable.fold(table.getSchemaName()), SourceTable.fold(table.getName()));
    }

    private static String alias(Table table) {
        return table.getAlias() == null ? null : SourceTable.fold(table.getAlias().getName());
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
        EqualsTo equals = equality(condition, "<column> = bucket.<parameter> and <column> = <literal>");
        Expression left = equals.getLeftExpression();
        Expression right = equals.getRightExpression();
        if (isBucketParameter(left)) {
            Expression swap = left;
            left = right;
            right = swap;
        }
        if (requestValue(left) != null || requestValue(right) != null) {
            throw new SyncRulesException("request values cannot be used in data queries: '" + condition
                    + "'; select them in the parameter query and compare with bucket.<parameter>");
        }
        String columnName = tableColumn(left, condition, table, alias);
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
        filters.add(new DataQuery.LiteralFilter(columnName, literal(right, condition, "bucket.<parameter>")));
    }

    /** A condition of a WHERE clause, which must be an equality. */
    private static EqualsTo equality(Expression condition, String supported) {
        if (!(condition instanceof EqualsTo equals)) {
            throw new SyncRulesException("unsupported condition '" + condition + "'; only " + supported
                    + " joined by AND are supported");
        }
        return equals;
    }

    /** The column one side of a condition names; it must be a column of the query's table. */
    private static String tableColumn(Expression side, Expression condition, SourceTable table, String alias) {
        if (!(side instanceof Column column) || isBucketParameter(side) || isBooleanWord(side)) {
            throw new SyncRulesException("unsupported condition '" + condition + "'; one side must be a column of " + table);
        }
        return columnName(column, table, alias);
    }

    /** @param alternative what else the column may be compared with, for the message */
    private static Object literal(Expression expression, Expression condition, String alternative) {
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
                + alternative + ", a 'string', a number, true or false");
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
