package io.checkpointrelay.http;

import static io.checkpointrelay.http.testing.SubjectRequests.assertAccepted;
import static io.checkpointrelay.http.testing.SubjectRequests.assertRejected;
import static io.checkpointrelay.http.testing.SubjectRequests.issuer;
import static io.checkpointrelay.http.testing.TestIssuer.EC_KID;
import static io.checkpointrelay.http.testing.TestIssuer.RSA_KID;
import static io.checkpointrelay.http.testing.TestIssuer.claims;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.http.testing.TestIssuer;
import io.checkpointrelay.http.testing.TestIssuerResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Both key sources at once: an identity provider's JWK set in a file, and the HS256 secret the
 * development stack signs with.
 */
@QuarkusTest
@WithTestResource(value = TestIssuerResource.class, initArgs = {
        @ResourceArg(name = "jwks", value = "file"),
        @ResourceArg(name = "secret", value = JwksFileAndSecretAuthenticationTest.SECRET) })
class JwksFileAndSecretAuthenticationTest {

    static final String SECRET = "http-support-test-secret-0123456789-abcdef";
    private static final String USER = "both-user";

    @Test
    void rs256AndEs256TokensFromTheJwksFileAreAccepted() {
        assertAccepted(issuer().sign(claims(USER), RSA_KID), USER);
        assertAccepted(issuer().sign(claims(USER), EC_KID), USER);
    }

    @Test
    void hs256TokenWithTheSecretIsAccepted() {
        assertAccepted(TestIssuer.signHs256(claims(USER), null, SECRET.getBytes(StandardCharsets.UTF_8)), USER);
    }

    @Test
    void hs256TokenWithAnotherSecretIsRejected() {
        assertRejected(TestIssuer.signHs256(claims(USER), null, "not-the-secret-of-this-service-0123456789".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hs256TokenSignedWithThePublicKeyIsRejected() {
        byte[] publicKey = issuer().key(RSA_KID).getPublicKey().getEncoded();
        assertRejected(TestIssuer.signHs256(claims(USER), RSA_KID, publicKey));
    }

    @Test
    void tokenSignedWithAnotherKeyUnderAKnownKidIsRejected() {
        assertRejected(TestIssuer.sign(claims(USER), TestIssuer.rsaKey(RSA_KID)));
    }

    @Test
    void hs256TokenLivingLongerThanADayIsRejected() {
        assertRejected(TestIssuer.signHs256(claims(USER, 0, 2 * 86400), null, SECRET.getBytes(StandardCharsets.UTF_8)));
    }
}
