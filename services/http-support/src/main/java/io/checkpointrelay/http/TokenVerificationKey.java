package io.checkpointrelay.http;

import java.nio.charset.StandardCharsets;

import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;

/**
 * Verifies tokens with {@code relay.jwt.secret} used as token issuers use it: its UTF-8 bytes
 * are the HS256 key. smallrye-jwt reads a configured secret only as a JWK, so the key is set
 * here; every other setting (schemes, audience, algorithm, clock skew) still comes from its
 * configuration.
 */
@Singleton
public class TokenVerificationKey {

    /** HS256 needs a key at least as long as its 256-bit hash. */
    static final int MIN_SECRET_BYTES = 32;

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo contextInfo(JWTAuthContextInfoProvider configured, TokenConfig config) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(configured.getContextInfo());
        info.setSecretVerificationKey(new SecretKeySpec(config.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return info;
    }

    /**
     * Stops start-up on a secret too short for HS256: jose4j would otherwise refuse every token
     * at request time, and clients would only see an unexplained 401.
     */
    void checkSecret(@Observes StartupEvent event, TokenConfig config) {
        int bytes = config.secret().getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_SECRET_BYTES) {
            throw new IllegalStateException("relay.jwt.secret has " + bytes + " bytes; HS256 needs at least " + MIN_SECRET_BYTES);
        }
    }
}
