package io.checkpointrelay.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.checkpointrelay.stack.LocalStack;

/**
 * The backend's own writes to the app database, for test scripts outside the JVM (the stock
 * client interop tests): {@code POST /} with {@code {"sql": "...", "params": ["...", null]}} runs
 * one statement and answers {@code {"rows": [{column: text}]}} for a query or
 * {@code {"updated": n}}. Parameters go as untyped text, so PostgreSQL types them from their use
 * ({@code WHERE id = ?} on a uuid column). Test-only, on the loopback interface and a free port.
 */
final class ServerSql implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStack stack;
    private final HttpServer server;

    private ServerSql(LocalStack stack, HttpServer server) {
        this.stack = stack;
        this.server = server;
    }

    static ServerSql start(LocalStack stack) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ServerSql endpoint = new ServerSql(stack, server);
        server.createContext("/", endpoint::handle);
        server.start();
        return endpoint;
    }

    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            Object answer;
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode request = JSON.readTree(body);
                answer = execute(request.path("sql").asText(), request.path("params"));
                status = 200;
            } catch (SQLException e) {
                answer = Map.of("error", e.getMessage());
                status = 500;
            } catch (IOException | RuntimeException e) {
                answer = Map.of("error", String.valueOf(e));
                status = 400;
            }
            byte[] json = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, json.length);
            exchange.getResponseBody().write(json);
        }
    }

    private Map<String, Object> execute(String sql, JsonNode params) throws SQLException {
        try (Connection db = stack.postgres().connect(LocalStack.DATABASE); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                JsonNode param = params.get(i);
                if (param.isNull()) {
                    statement.setNull(i + 1, Types.OTHER);
                } else {
                    statement.setObject(i + 1, param.asText(), Types.OTHER);
                }
            }
            if (!statement.execute()) {
                return Map.of("updated", statement.getUpdateCount());
            }
            List<Map<String, String>> rows = new ArrayList<>();
            try (ResultSet rs = statement.getResultSet()) {
                ResultSetMetaData columns = rs.getMetaData();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns.getColumnCount(); c++) {
                        row.put(columns.getColumnLabel(c), rs.getString(c));
                    }
                    rows.add(row);
                }
            }
            return Map.of("rows", rows);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
