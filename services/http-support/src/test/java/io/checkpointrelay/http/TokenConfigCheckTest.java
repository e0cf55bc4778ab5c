package io.checkpointrelay.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.checkpointrelay.http.testing.TestIssuer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Start-up refuses token settings that could accept no token, and says which key to fix. */
class TokenConfigCheckTest {

    private static final String SECRET = "a-development-secret-of-at-least-32-bytes";

    /** {@code relay.jwt.*} as the services read it, from these properties alone. */
    private static TokenConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(TokenConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(TokenConfig.class);
    }

    @Test
    void neitherJwksNorSecretStopsStartUp() {
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relay.jwt.jwks")
                .hasMessageContaining("RELAY_JWT_SECRET");
    }

    @Test
    void secretAloneIsEnough() {
        assertThatCode(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.secret", SECRET)))).doesNotThrowAnyException();
    }

    @Test
    void jwksUrlAloneIsEnough() {
        TokenConfig config = config(Map.of("relay.jwt.jwks", "https://idp.example/.well-known/jwks.json"));
        assertThatCode(() -> TokenConfigCheck.check(config)).doesNotThrowAnyException();
        assertThat(TokenKeys.acceptedAlgorithms(config)).extracting(Enum::name).containsExactlyInAnyOrder("RS256", "ES256");
    }

    @Test
    void bothAcceptAllThreeAlgorithms() {
        TokenConfig config = config(Map.of("relay.jwt.jwks", "https://idp.example/jwks", "relay.jwt.secret", SECRET));
        assertThat(TokenKeys.acceptedAlgorithms(config)).extracting(Enum::name).containsExactlyInAnyOrder("RS256", "ES256", "HS256");
    }

    @Test
    void shortSecretStopsStartUp() {
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.secret", "too-short"))))
                .hasMessageContaining("relay.jwt.secret has 9 bytes");
    }

    @Test
    void jwksFileThatIsMissingOrHoldsNoKeyStopsStartUp(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.jwks", dir.resolve("missing.json").toString()))))
                .hasMessageContaining("cannot read the JWK set file");

        Path notJwks = Files.writeString(dir.resolve("not-jwks.json"), "{\"kty\": 1}");
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.jwks", notJwks.toString()))))
                .hasMessageContaining("is not a JWK set");

        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"keys\": []}");
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.jwks", empty.toString()))))
                .hasMessageContaining("holds no RSA or EC key");

        Path published = TestIssuer.create(dir).jwksFile();
        assertThatCode(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.jwks", published.toString())))).doesNotThrowAnyException();
    }

    @Test
    void jwksUrlWithoutHostStopsStartUp() {
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.jwks", "https:///jwks"))))
                .hasMessageContaining("relay.jwt.jwks is not a valid URL");
    }

    @Test
    void lifetimeLimitMustBePositive() {
        assertThat(config(Map.of("relay.jwt.secret", SECRET)).maxLifetime()).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> TokenConfigCheck.check(config(Map.of("relay.jwt.secret", SECRET, "relay.jwt.max-lifetime", "0s"))))
                .hasMessageContaining("relay.jwt.max-lifetime must be positive");
    }
}
