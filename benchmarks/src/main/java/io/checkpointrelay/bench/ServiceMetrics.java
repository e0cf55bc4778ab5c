package io.checkpointrelay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/** One service's Prometheus metrics ({@code /q/metrics}), as read once. */
final class ServiceMetrics {

    private final String text;

    private ServiceMetrics(String text) {
        this.text = text;
    }

    static ServiceMetrics scrape(URI service) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(service.resolve("/q/metrics")).timeout(Duration.ofSeconds(30)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return new ServiceMetrics(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    /** The sum of every series of {@code metric} (all tags), empty when the service has no such metric. */
    OptionalDouble sum(String metric) {
        boolean found = false;
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                found = true;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
