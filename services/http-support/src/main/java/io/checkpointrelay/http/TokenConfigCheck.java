package io.checkpointrelay.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.StartupEvent;

/**
 * Stops start-up on token settings that would refuse every token, naming the key to fix:
 * clients would otherwise only see unexplained 401s. A JWK set URL is not fetched here (the
 * identity provider being briefly down must not stop the service); a file is read and checked.
 */
@Singleton
public class TokenConfigCheck {

    private static final Logger LOG = Logger.getLogger(TokenConfigCheck.class);

    /** HS256 needs a key at least as long as its 256-bit hash. */
    static final int MIN_SECRET_BYTES = 32;

    void onStart(@Observes StartupEvent event, TokenConfig config) {
        check(config);
        LOG.infof("Tokens: %s", describe(config));
    }

    /** Throws {@link IllegalStateException} saying what is wrong with {@code config}. */
    static void check(TokenConfig config) {
        if (config.secret().isEmpty() && config.jwks().isEmpty()) {
            throw new IllegalStateException("No token key is configured: set relay.jwt.jwks (env RELAY_JWT_JWKS) to the "
                    + "identity provider's JWK set (a file path or an https URL) for RS256/ES256 tokens, "
                    + "relay.jwt.secret (env RELAY_JWT_SECRET) to a secret of at least " + MIN_SECRET_BYTES
                    + " bytes for HS256 tokens, or both");
        }
        config.secret().ifPresent(TokenConfigCheck::checkSecret);
        config.jwks().ifPresent(TokenConfigCheck::checkJwks);
        if (!config.maxLifetime().isPositive()) {
            throw new IllegalStateException("relay.jwt.max-lifetime must be positive, is " + config.maxLifetime());
        }
        if (config.jwksRefreshInterval().compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalStateException("relay.jwt.jwks-refresh-interval must be at least 1m, is " + config.jwksRefreshInterval());
        }
        if (config.jwksForcedRefreshInterval().isNegative()) {
            throw new IllegalStateException("relay.jwt.jwks-forced-refresh-interval must not be negative");
        }
    }

    private static void checkSecret(String secret) {
        int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_SECRET_BYTES) {
            throw new IllegalStateException("relay.jwt.secret has " + bytes + " bytes; HS256 needs at least " + MIN_SECRET_BYTES);
        }
    }

    private static void checkJwks(String location) {
        if (isUrl(location)) {
            try {
                if (new URI(location).getHost() == null) {
                    throw new URISyntaxException(location, "no host");
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException("relay.jwt.jwks is not a valid URL: " + location, e);
            }
            return;
        }
        Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("relay.jwt.jwks: cannot read the JWK set file " + file.toAbsolutePath(), e);
        }
        try {
            boolean hasKey = new JsonWebKeySet(json).getJsonWebKeys().stream()
                    .anyMatch(key -> key instanceof RsaJsonWebKey || key instanceof EllipticCurveJsonWebKey);
            if (!hasKey) {
                throw new IllegalStateException("relay.jwt.jwks: the JWK set in " + file.toAbsolutePath() + " holds no RSA or EC key");
            }
        } catch (JoseException e) {
            throw new IllegalStateException("relay.jwt.jwks: " + file.toAbsolutePath() + " is not a JWK set ({\"keys\": [...]})", e);
        }
    }

    private static boolean isUrl(String location) {
        return location.startsWith("https://") || location.startsWith("http://");
    }

    private static String describe(TokenConfig config) {
        String jwks = config.jwks().map(location -> "RS256/ES256 with the JWK set at " + location).orElse(null);
        String secret = config.secret().map(s -> "HS256 with relay.jwt.secret").orElse(null);
        String keys = jwks != null && secret != null ? jwks + ", " + secret : jwks != null ? jwks : secret;
        return keys + "; aud " + config.audience() + ", lifetime at most " + config.maxLifetime().toString().substring(2).toLowerCase();
    }
}
