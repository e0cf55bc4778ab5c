package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import io.checkpointrelay.stack.containers.ContainerInfrastructure;

/** The switch between the embedded Kafka and PostgreSQL and containers, as the system property sets it. */
class TestInfrastructureTest {

    /** Asking whether containers can run is only for the container choice. */
    private static final Supplier<Optional<String>> NOT_ASKED = () -> {
        throw new AssertionError("the Docker probe ran for the embedded infrastructure");
    };

    @Test
    void withoutThePropertyTheInfrastructureIsEmbedded() {
        assertThat(TestInfrastructure.select(null, NOT_ASKED)).isSameAs(Infrastructure.EMBEDDED);
        assertThat(TestInfrastructure.select("", NOT_ASKED)).isSameAs(Infrastructure.EMBEDDED);
        assertThat(TestInfrastructure.select(" Embedded ", NOT_ASKED)).isSameAs(Infrastructure.EMBEDDED);
        assertThat(Infrastructure.EMBEDDED.name()).isEqualTo("embedded");
    }

    @Test
    void containersWithoutDockerSkipTheTestAndSayWhy() {
        assertThatThrownBy(() -> TestInfrastructure.select("testcontainers",
                () -> Optional.of("needs a Docker daemon: none found (DOCKER_HOST unset, no /var/run/docker.sock)")))
                .isExactlyInstanceOf(TestAbortedException.class)
                .hasMessage("relay.test.infrastructure=testcontainers needs a Docker daemon: none found (DOCKER_HOST unset, "
                        + "no /var/run/docker.sock); run without -Ptestcontainers to use the embedded Kafka and PostgreSQL "
                        + "(relay.test.infrastructure=embedded, the default)");
    }

    @Test
    void containersWithDockerAreSelected() {
        Infrastructure selected = TestInfrastructure.select("testcontainers", Optional::empty);
        assertThat(selected).isInstanceOf(ContainerInfrastructure.class);
        assertThat(selected.name()).isEqualTo("testcontainers");
    }

    @Test
    void anUnknownValueFailsNamingTheAllowedOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> TestInfrastructure.select("docker", NOT_ASKED))
                .withMessage("relay.test.infrastructure is 'docker': it must be embedded (the default) or testcontainers "
                        + "(Kafka and PostgreSQL in Docker containers, Maven profile -Ptestcontainers)");
    }

    @Test
    void theSelectionFollowsTheSystemProperty() {
        String before = System.getProperty(TestInfrastructure.PROPERTY);
        try {
            System.setProperty(TestInfrastructure.PROPERTY, "kubernetes");
            assertThatIllegalArgumentException().isThrownBy(TestInfrastructure::selected).withMessageContaining("'kubernetes'");
            System.setProperty(TestInfrastructure.PROPERTY, "embedded");
            assertThat(TestInfrastructure.selected()).isSameAs(Infrastructure.EMBEDDED);
        } finally {
            if (before == null) {
                System.clearProperty(TestInfrastructure.PROPERTY);
            } else {
                System.setProperty(TestInfrastructure.PROPERTY, before);
            }
        }
    }
}
