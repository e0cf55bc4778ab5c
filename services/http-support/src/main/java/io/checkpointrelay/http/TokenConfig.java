package io.checkpointrelay.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The token settings every HTTP service shares ({@code relay.jwt.*}). smallrye-jwt reads them
 * through {@code META-INF/microprofile-config.properties}; declaring them here also lets a
 * service keep its own {@code @ConfigMapping(prefix = "relay")} strict about unknown keys.
 */
@ConfigMapping(prefix = "relay.jwt")
public interface TokenConfig {

    /**
     * {@code relay.jwt.secret} (env {@code RELAY_JWT_SECRET}): the HS256 secret tokens are
     * signed with; its UTF-8 bytes are the key, at least 32 of them. Required.
     */
    String secret();

    /** {@code relay.jwt.audience}: the {@code aud} a token must carry to be accepted here. */
    @WithDefault("checkpoint-relay")
    String audience();
}
