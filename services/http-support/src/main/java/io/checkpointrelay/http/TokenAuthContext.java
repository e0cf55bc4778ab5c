package io.checkpointrelay.http;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;

/**
 * smallrye-jwt's verification settings as its configuration gives them
 * ({@code META-INF/microprofile-config.properties}), completed with what depends on
 * {@code relay.jwt.*} beyond plain values: which algorithms the configured key sources allow,
 * and the {@code relay.jwt.max-lifetime} and JWK set refresh intervals, which are durations here
 * but plain numbers (seconds, minutes) to smallrye-jwt.
 */
@Singleton
public class TokenAuthContext {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo contextInfo(JWTAuthContextInfoProvider configured, TokenConfig config) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(configured.getContextInfo());
        info.setSignatureAlgorithm(TokenKeys.acceptedAlgorithms(config));
        // A positive lifetime also makes smallrye-jwt require iat.
        info.setMaxTimeToLiveSecs(config.maxLifetime().toSeconds());
        info.setJwksRefreshInterval(Math.toIntExact(config.jwksRefreshInterval().toMinutes()));
        info.setForcedJwksRefreshInterval(Math.toIntExact(config.jwksForcedRefreshInterval().toMinutes()));
        return info;
    }
}
