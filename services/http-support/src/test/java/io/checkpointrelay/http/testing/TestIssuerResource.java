package io.checkpointrelay.http.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link TestIssuer} and points {@code relay.jwt.jwks} at its JWK set: served by a JDK
 * HTTP server on a free loopback port ({@code jwks=url}, the default) or as a file
 * ({@code jwks=file}). Init arg {@code secret} also sets {@code relay.jwt.secret}. The tests find
 * the issuer's keys through {@code test.issuer.dir}.
 */
public class TestIssuerResource implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER_DIR = "test.issuer.dir";

    private Map<String, String> args = Map.of();
    private Path dir;
    private HttpServer server;

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        try {
            dir = Files.createTempDirectory("relay-test-issuer");
            TestIssuer issuer = TestIssuer.create(dir);
            config.put(ISSUER_DIR, dir.toString());
            if ("file".equals(args.get("jwks"))) {
                config.put("relay.jwt.jwks", issuer.jwksFile().toString());
            } else {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/jwks", exchange -> serve(exchange, issuer.jwksFile()));
                server.start();
                config.put("relay.jwt.jwks", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
                // Every token naming an unknown kid refetches, so each test sees its own rotation.
                config.put("relay.jwt.jwks-forced-refresh-interval", "0");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the test issuer", e);
        }
        if (args.containsKey("secret")) {
            config.put("relay.jwt.secret", args.get("secret"));
        }
        return config;
    }

    private static void serve(HttpExchange exchange, Path jwks) throws IOException {
        byte[] body = Files.readAllBytes(jwks);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
