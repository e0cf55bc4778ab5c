package io.checkpointrelay.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * smallrye-jwt's own token checks (allowed algorithms, {@code aud}, {@code exp}, {@code iat},
 * lifetime, required claims, clock skew) with {@link TokenKeys} choosing the verification key,
 * so that a JWK set and the HS256 secret can be used side by side. Replaces smallrye-jwt's
 * default factory as a CDI alternative, its documented extension point.
 */
@Alternative
@Priority(1)
@Singleton
public class TokenPrincipalFactory extends JWTCallerPrincipalFactory {

    private final DefaultJWTTokenParser parser;

    TokenPrincipalFactory(TokenKeys keys) {
        this.parser = new DefaultJWTTokenParser() {
            @Override
            protected VerificationKeyResolver getVerificationKeyResolver(JWTAuthContextInfo contextInfo) {
                return keys;
            }
        };
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo contextInfo) throws ParseException {
        JwtContext context = parser.parse(token, contextInfo);
        String type = context.getJoseObjects().get(0).getHeader("typ");
        return new DefaultJWTCallerPrincipal(type, context.getJwtClaims());
    }
}
