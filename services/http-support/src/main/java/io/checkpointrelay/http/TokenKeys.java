package io.checkpointrelay.http;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.KeyLocationResolver;

/**
 * Chooses the key a token is verified with by its {@code alg} header: HS256 tokens get
 * {@code relay.jwt.secret}, RS256 and ES256 tokens the key their {@code kid} names in
 * {@code relay.jwt.jwks}. The JWK set itself (fetching, caching, refreshing when a token names an
 * unknown {@code kid}) is smallrye-jwt's {@link KeyLocationResolver}; this class only puts the
 * shared secret beside it, which smallrye-jwt cannot combine with a remote JWK set.
 * <p>
 * The secret is the only key an HS256 token is ever checked against, and the JWK set only
 * answers RS256/ES256: an HS256 token "signed" with a public key's bytes (algorithm confusion)
 * therefore fails like any other forgery.
 */
@Singleton
public class TokenKeys implements VerificationKeyResolver {

    /** What an identity provider's JWK set may sign with. */
    static final Set<SignatureAlgorithm> JWKS_ALGORITHMS = EnumSet.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256);

    private final Optional<Key> secret;
    private final Optional<JWTAuthContextInfo> jwksContext;
    private volatile KeyLocationResolver jwks;

    TokenKeys(TokenConfig config, JWTAuthContextInfo contextInfo) {
        this.secret = config.secret().map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        this.jwksContext = config.jwks().map(location -> {
            // smallrye-jwt resolved relay.jwt.jwks (mp.jwt.verify.publickey.location) into this context:
            // a URL stays a location, a file's content is read.
            JWTAuthContextInfo jwksOnly = new JWTAuthContextInfo(contextInfo);
            jwksOnly.setSignatureAlgorithm(JWKS_ALGORITHMS);
            return jwksOnly;
        });
    }

    /** The algorithms the configured key sources can verify: the only ones a token may use. */
    static Set<SignatureAlgorithm> acceptedAlgorithms(TokenConfig config) {
        Set<SignatureAlgorithm> accepted = EnumSet.noneOf(SignatureAlgorithm.class);
        config.jwks().ifPresent(location -> accepted.addAll(JWKS_ALGORITHMS));
        config.secret().ifPresent(secret -> accepted.add(SignatureAlgorithm.HS256));
        return accepted;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        String alg = jws.getAlgorithmHeaderValue();
        if (SignatureAlgorithm.HS256.getAlgorithm().equals(alg)) {
            return secret.orElseThrow(() -> new UnresolvableKeyException("HS256 tokens are not accepted: relay.jwt.secret is not set"));
        }
        if (JWKS_ALGORITHMS.stream().anyMatch(accepted -> accepted.getAlgorithm().equals(alg))) {
            return jwks().resolveKey(jws, nestingContext);
        }
        throw new UnresolvableKeyException("Tokens signed with '" + alg + "' are not accepted");
    }

    private KeyLocationResolver jwks() throws UnresolvableKeyException {
        KeyLocationResolver resolver = jwks;
        if (resolver == null) {
            // Built on first use, and again after a failure: for a URL, building it fetches the
            // JWK set, and the identity provider may be unreachable at that moment.
            synchronized (this) {
                if (jwks == null) {
                    JWTAuthContextInfo context = jwksContext.orElseThrow(
                            () -> new UnresolvableKeyException("RS256/ES256 tokens are not accepted: relay.jwt.jwks is not set"));
                    jwks = new KeyLocationResolver(context);
                }
                resolver = jwks;
            }
        }
        return resolver;
    }
}
