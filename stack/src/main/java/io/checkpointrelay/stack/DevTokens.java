package io.checkpointrelay.stack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Development tokens: HS256 JWTs signed with the stack's shared secret, in the shape the
 * services expect ({@code sub} = user id, {@code aud}, {@code iat}, {@code exp}). Production
 * tokens come from the backend's own identity provider.
 */
public final class DevTokens {

    /** The audience the services accept unless configured otherwise. */
    public static final String DEFAULT_AUDIENCE = "checkpoint-relay";

    private final String secret;
    private final String audience;

    public DevTokens(String secret, String audience) {
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("An HS256 secret needs at least 32 bytes");
        }
        this.secret = secret;
        this.audience = audience;
    }

    public DevTokens(String secret) {
        this(secret, DEFAULT_AUDIENCE);
    }

    /** A token for {@code userId}, valid for {@code lifetime}. */
    public String issue(String userId, Duration lifetime) {
        return issue(userId, lifetime, Map.of());
    }

    /** A token with extra claims (for example {@code parameters} for sync rules). */
    public String issue(String userId, Duration lifetime, Map<String, Object> extraClaims) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(userId);
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(lifetime.toSeconds() / 60f);
        extraClaims.forEach(claims::setClaim);
        return sign(claims);
    }

    /** Signs arbitrary claims, for tests that need expired or otherwise wrong tokens. */
    public String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign token", e);
        }
    }
}
