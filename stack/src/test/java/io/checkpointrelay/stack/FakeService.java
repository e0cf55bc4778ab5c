package io.checkpointrelay.stack;

import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a packaged service in the launcher's tests: a JVM that reads its port from
 * {@code quarkus.http.port}, prints the configuration it was given and answers
 * {@code /q/health/ready} as {@code fake.mode} says.
 */
public final class FakeService {

    public static void main(String[] args) throws IOException, InterruptedException {
        String mode = System.getProperty("fake.mode", "ready");
        System.out.println("fake service starting in mode " + mode);
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(key -> key.startsWith("relay.") || key.startsWith("kafka.") || key.startsWith("kafka-streams.")
                        || key.startsWith("quarkus."))
                .forEach(key -> System.out.println("config " + key + "=" + System.getProperty(key)));
        if (mode.equals("crash")) {
            System.out.println("boom: relay.schema.file is missing");
            System.exit(3);
        }
        int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        int status = mode.equals("never-ready") ? 503 : 200;
        server.createContext("/q/health/ready", exchange -> {
            byte[] body = ("{\"status\":\"" + (status == 200 ? "UP" : "DOWN") + "\"}").getBytes();
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake service shut down gracefully")));
        server.start();
        System.out.println("fake service listening on " + port);
        Thread.currentThread().join();
    }
}
