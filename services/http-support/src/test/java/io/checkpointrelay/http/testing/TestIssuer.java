package io.checkpointrelay.http.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Key;
import java.util.Base64;
import java.util.List;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * An identity provider for the tests: RSA and EC signing keys kept in a directory, their
 * public halves published as {@code jwks.json} in the same directory (served over HTTP by
 * {@link TestIssuerResource}, or read as a file). The directory is how the test resource and the
 * tests share the keys: both open it, whichever class loader they run in.
 */
public final class TestIssuer {

    public static final String RSA_KID = "rsa-1";
    public static final String EC_KID = "ec-1";
    public static final String AUDIENCE = "checkpoint-relay";

    private static final String PRIVATE_KEYS = "private-keys.json";
    private static final String PUBLIC_KEYS = "jwks.json";

    private final Path dir;

    private TestIssuer(Path dir) {
        this.dir = dir;
    }

    /** A new issuer in {@code dir} with one RSA (2048 bits) and one EC (P-256) key. */
    public static TestIssuer create(Path dir) {
        TestIssuer issuer = new TestIssuer(dir);
        issuer.publish(new JsonWebKeySet(List.of(rsaKey(RSA_KID), ecKey(EC_KID))));
        return issuer;
    }

    /** The issuer whose keys are in {@code dir}. */
    public static TestIssuer open(Path dir) {
        return new TestIssuer(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The published JWK set (public keys only). */
    public Path jwksFile() {
        return dir.resolve(PUBLIC_KEYS);
    }

    /** A fresh RSA key that signs nothing the services know of yet. */
    public static PublicJsonWebKey rsaKey(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicJsonWebKey ecKey(String kid) {
        try {
            PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId(kid);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a new RSA key named {@code kid} to the published set, as a provider rotating keys does. */
    public void rotate(String kid) {
        JsonWebKeySet keys = privateKeys();
        keys.addJsonWebKey(rsaKey(kid));
        publish(keys);
    }

    /** The key named {@code kid} with its private half. */
    public PublicJsonWebKey key(String kid) {
        JsonWebKey key = privateKeys().findJsonWebKey(kid, null, null, null);
        if (key == null) {
            throw new IllegalArgumentException("No key " + kid);
        }
        return (PublicJsonWebKey) key;
    }

    /** {@code claims} signed with the key named {@code kid} (RS256 or ES256 by its type). */
    public String sign(JwtClaims claims, String kid) {
        return sign(claims, key(kid));
    }

    /** {@code claims} signed with {@code key}, its {@code kid} in the header. */
    public static String sign(JwtClaims claims, PublicJsonWebKey key) {
        String alg = key instanceof RsaJsonWebKey ? AlgorithmIdentifiers.RSA_USING_SHA256 : AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
        return sign(claims, alg, key.getKeyId(), key.getPrivateKey());
    }

    /** {@code claims} signed HS256 with {@code secret} as the HMAC key. */
    public static String signHs256(JwtClaims claims, String kid, byte[] secret) {
        return sign(claims, AlgorithmIdentifiers.HMAC_SHA256, kid, new HmacKey(secret));
    }

    /** {@code claims} with {@code "alg": "none"} and no signature. */
    public static String unsigned(JwtClaims claims, String kid) {
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        return base64url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64url.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static String sign(JwtClaims claims, String alg, String kid, Key key) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setHeader("typ", "JWT");
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setKey(key);
        // Let the forgeries be made: the checks are the services' job, not the signer's.
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign token", e);
        }
    }

    /** Claims a valid token carries: sub, aud, iat now, exp in ten minutes. */
    public static JwtClaims claims(String subject) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setAudience(AUDIENCE);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        return claims;
    }

    /** {@code claims} issued {@code iatSecondsFromNow} and expiring {@code expSecondsFromNow}. */
    public static JwtClaims claims(String subject, long iatSecondsFromNow, long expSecondsFromNow) {
        long now = System.currentTimeMillis() / 1000;
        JwtClaims claims = claims(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(now + iatSecondsFromNow));
        claims.setExpirationTime(NumericDate.fromSeconds(now + expSecondsFromNow));
        return claims;
    }

    private JsonWebKeySet privateKeys() {
        try {
            return new JsonWebKeySet(Files.readString(dir.resolve(PRIVATE_KEYS)));
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("Cannot read the test issuer's keys in " + dir, e);
        }
    }

    private void publish(JsonWebKeySet keys) {
        write(PRIVATE_KEYS, keys.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        write(PUBLIC_KEYS, keys.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }

    private void write(String name, String json) {
        try {
            // Replace whole files, so the JWKS server never reads half of one.
            Path temp = Files.createTempFile(dir, name, ".tmp");
            Files.writeString(temp, json);
            Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + name + " in " + dir, e);
        }
    }
}
