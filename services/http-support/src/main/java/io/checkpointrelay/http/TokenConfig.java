package io.checkpointrelay.http;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The token settings every HTTP service shares ({@code relay.jwt.*}). At least one key source is
 * required: {@link #jwks()} for production (RS256/ES256 tokens from an identity provider),
 * {@link #secret()} for development (HS256 tokens such as the stack's dev tokens), or both.
 * smallrye-jwt reads some of them through {@code META-INF/microprofile-config.properties}, the
 * rest through {@link TokenAuthContext}; declaring them here also lets a service keep its own
 * {@code @ConfigMapping(prefix = "relay")} strict about unknown keys.
 */
@ConfigMapping(prefix = "relay.jwt")
public interface TokenConfig {

    /**
     * {@code relay.jwt.secret} (env {@code RELAY_JWT_SECRET}): the HS256 secret tokens may be
     * signed with; its UTF-8 bytes are the key, at least 32 of them. Meant for development and
     * the demo stack. Unset: HS256 tokens are refused.
     */
    Optional<String> secret();

    /**
     * {@code relay.jwt.jwks} (env {@code RELAY_JWT_JWKS}): the identity provider's public keys
     * as a JWK set, either a file path or an {@code https://} (or {@code http://}) URL such as
     * the provider's {@code jwks_uri}. RS256 and ES256 tokens are verified with the key their
     * {@code kid} names. A URL is fetched on the first such token, cached, refreshed every
     * {@link #jwksRefreshInterval()} (or as the response's {@code Cache-Control: max-age}
     * says) and at once when a token names a {@code kid} it does not hold, so rotated keys are
     * picked up; a file is read once at start-up. Unset: only HS256 tokens are accepted.
     */
    Optional<String> jwks();

    /** {@code relay.jwt.audience} (env {@code RELAY_JWT_AUDIENCE}): the {@code aud} a token must carry to be accepted here. */
    @WithDefault("checkpoint-relay")
    String audience();

    /**
     * {@code relay.jwt.max-lifetime} (env {@code RELAY_JWT_MAX_LIFETIME}): the longest
     * {@code exp - iat} a token may have, as the PowerSync reference service limits it: a leaked
     * long-lived token would otherwise grant access for as long as its {@code exp} says. Every
     * token must carry {@code iat} and {@code exp}.
     */
    @WithDefault("24h")
    Duration maxLifetime();

    /**
     * {@code relay.jwt.jwks-refresh-interval} (env {@code RELAY_JWT_JWKS_REFRESH_INTERVAL}): how
     * long a fetched JWK set is used before it is fetched again, in whole minutes, unless the
     * response's {@code Cache-Control: max-age} says otherwise. Only for a {@link #jwks()} URL.
     */
    @WithDefault("60m")
    Duration jwksRefreshInterval();

    /**
     * {@code relay.jwt.jwks-forced-refresh-interval} (env
     * {@code RELAY_JWT_JWKS_FORCED_REFRESH_INTERVAL}): the least time, in whole minutes, between
     * two fetches caused by tokens naming an unknown {@code kid}, so forged {@code kid}s cannot
     * make the service hammer the identity provider (Quarkus OIDC's default). Only for a
     * {@link #jwks()} URL.
     */
    @WithDefault("10m")
    Duration jwksForcedRefreshInterval();
}
