package io.checkpointrelay.http;

import static io.checkpointrelay.http.testing.SubjectRequests.assertAccepted;
import static io.checkpointrelay.http.testing.SubjectRequests.assertRejected;
import static io.checkpointrelay.http.testing.SubjectRequests.issuer;
import static io.checkpointrelay.http.testing.TestIssuer.EC_KID;
import static io.checkpointrelay.http.testing.TestIssuer.RSA_KID;
import static io.checkpointrelay.http.testing.TestIssuer.claims;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import io.checkpointrelay.http.testing.TestIssuer;
import io.checkpointrelay.http.testing.TestIssuerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Production set-up: tokens from an identity provider whose JWK set is at a URL
 * ({@code relay.jwt.jwks}), no shared secret.
 */
@QuarkusTest
@WithTestResource(TestIssuerResource.class)
class JwksUrlAuthenticationTest {

    private static final String USER = "jwks-user";

    @Test
    void rs256TokenFromTheJwksIsAccepted() {
        assertAccepted(issuer().sign(claims(USER), RSA_KID), USER);
    }

    @Test
    void es256TokenFromTheJwksIsAccepted() {
        assertAccepted(issuer().sign(claims(USER), EC_KID), USER);
    }

    @Test
    void tokenSignedWithAnotherKeyUnderAKnownKidIsRejected() {
        assertRejected(TestIssuer.sign(claims(USER), TestIssuer.rsaKey(RSA_KID)));
    }

    @Test
    void tokenNamingAnUnknownKidIsRejected() {
        assertRejected(TestIssuer.sign(claims(USER), TestIssuer.rsaKey("not-published-" + UUID.randomUUID())));
    }

    @Test
    void keyAddedToTheJwksIsAcceptedOnceATokenNamesIt() {
        TestIssuer issuer = issuer();
        assertAccepted(issuer.sign(claims(USER), RSA_KID), USER);
        String kid = "rotated-" + UUID.randomUUID();
        issuer.rotate(kid);

        // Each token naming an unknown kid refetches the set (forced refresh interval 0 here), but jose4j
        // skips a fetch within 300 ms of the last one, which an earlier test's unknown kid may have made.
        String rotated = issuer.sign(claims(USER), kid);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertAccepted(rotated, USER));
        assertAccepted(issuer.sign(claims(USER), RSA_KID), USER);
    }

    @Test
    void unsignedTokenIsRejected() {
        assertRejected(TestIssuer.unsigned(claims(USER), RSA_KID));
    }

    @Test
    void hs256TokenIsRejectedWithoutASecret() {
        assertRejected(TestIssuer.signHs256(claims(USER), null, "any-secret-of-at-least-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hs256TokenSignedWithThePublicKeyIsRejected() {
        PublicJsonWebKey published = issuer().key(RSA_KID);
        // The classic algorithm confusion: the public key, as PEM or DER bytes, used as an HMAC secret.
        assertRejected(TestIssuer.signHs256(claims(USER), RSA_KID, pem(published).getBytes(StandardCharsets.US_ASCII)));
        assertRejected(TestIssuer.signHs256(claims(USER), RSA_KID, published.getPublicKey().getEncoded()));
    }

    @Test
    void expiredTokenIsRejected() {
        assertRejected(issuer().sign(claims(USER, -7200, -3600), RSA_KID));
    }

    @Test
    void tokenWithoutIatIsRejected() {
        JwtClaims claims = claims(USER);
        claims.unsetClaim("iat");
        assertRejected(issuer().sign(claims, RSA_KID));
    }

    @Test
    void tokenLivingLongerThanADayIsRejected() {
        assertRejected(issuer().sign(claims(USER, 0, 86400 + 60), RSA_KID));
        assertAccepted(issuer().sign(claims(USER, 0, 86400 - 60), RSA_KID), USER);
    }

    @Test
    void tokenForAnotherAudienceIsRejected() {
        JwtClaims claims = claims(USER);
        claims.setAudience("another-service");
        assertRejected(issuer().sign(claims, RSA_KID));
    }

    @Test
    void tokenWithoutSubjectIsRejected() {
        JwtClaims claims = claims(USER);
        claims.unsetClaim("sub");
        assertRejected(issuer().sign(claims, EC_KID));
    }

    private static String pem(PublicJsonWebKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
