package io.checkpointrelay.stack.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What checkpoint-tracker tells an operator, read the way an operator would (the demo and the
 * system tests): the stuck list and a client's state through its REST API with an operator
 * token, and the per-stage latencies from its Prometheus metrics.
 */
public final class TrackerClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LATENCY = Pattern.compile(
            "(?m)^relay_tracker_stage_latency_seconds\\{([^}]*)\\} (\\S+)$");

    private final URI tracker;
    private final String operatorToken;
    private final HttpClient http = HttpClient.newHttpClient();

    public TrackerClient(URI tracker, String operatorToken) {
        this.tracker = tracker;
        this.operatorToken = operatorToken;
    }

    /** The entry of the stuck list for this client, if it is on it. */
    public Optional<JsonNode> stuckEntry(String user, String clientId) throws IOException, InterruptedException {
        return stuck().stream()
                .filter(c -> c.path("user_id").asText().equals(user) && c.path("client_id").asText().equals(clientId))
                .findFirst();
    }

    /** {@code GET /clients/stuck}: the clients whose latest request waits longer than the threshold. */
    public List<JsonNode> stuck() throws IOException, InterruptedException {
        List<JsonNode> clients = new ArrayList<>();
        JSON.readTree(get("/clients/stuck")).forEach(clients::add);
        return clients;
    }

    /** {@code GET /clients/{user}/{client}}: the folded state of one client. */
    public JsonNode client(String user, String clientId) throws IOException, InterruptedException {
        return JSON.readTree(get("/clients/" + user + "/" + clientId));
    }

    /**
     * p50 and p99 per stage pair ("requested -> delivered"), in milliseconds, from the tracker's
     * timers; stages without samples yet are left out.
     */
    public Map<String, double[]> stageLatencies() throws IOException, InterruptedException {
        Map<String, double[]> latencies = new TreeMap<>();
        Matcher line = LATENCY.matcher(send(HttpRequest.newBuilder(tracker.resolve("/q/metrics")).build()));
        while (line.find()) {
            Map<String, String> tags = tags(line.group(1));
            String quantile = tags.get("quantile");
            if (quantile == null || !(quantile.equals("0.5") || quantile.equals("0.99"))) {
                continue;
            }
            double millis = Double.parseDouble(line.group(2)) * 1000;
            latencies.computeIfAbsent(tags.get("from") + " -> " + tags.get("to"), k -> new double[2])[quantile.equals("0.5") ? 0 : 1] = millis;
        }
        return latencies;
    }

    private String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(tracker.resolve(path)).header("Authorization", "Token " + operatorToken).build());
    }

    private String send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static Map<String, String> tags(String text) {
        Map<String, String> tags = new TreeMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim().replace("\"", ""));
            }
        }
        return tags;
    }
}
