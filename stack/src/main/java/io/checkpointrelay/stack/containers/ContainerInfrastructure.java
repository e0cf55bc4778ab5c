package io.checkpointrelay.stack.containers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.testcontainers.DockerClientFactory;

import io.checkpointrelay.stack.Infrastructure;
import io.checkpointrelay.stack.KafkaBroker;
import io.checkpointrelay.stack.PostgresServer;
import io.checkpointrelay.stack.TestInfrastructure;

/**
 * Kafka ({@value ContainerKafka#IMAGE}, KRaft) and PostgreSQL ({@value ContainerPostgres#IMAGE})
 * in Docker containers through Testcontainers, set up as the embedded ones are. Neither can be
 * stopped and started again on the same address, and data directories and ports are not theirs
 * to choose: each start is a fresh container on free ports, removed on close.
 */
public final class ContainerInfrastructure implements Infrastructure {

    private static final String DEFAULT_SOCKET = "/var/run/docker.sock";

    @Override
    public String name() {
        return TestInfrastructure.TESTCONTAINERS;
    }

    @Override
    public KafkaBroker startKafka(Path dataDirectory, int brokers) {
        if (brokers != 1) {
            throw new UnsupportedOperationException("The container provider starts one Kafka broker; " + brokers + " were asked for");
        }
        return ContainerKafka.launch();
    }

    @Override
    public PostgresServer startPostgres(Path dataDirectory, int port) {
        return ContainerPostgres.launch();
    }

    /** Why Testcontainers cannot reach a Docker daemon, or empty when it can. */
    public static Optional<String> dockerProblem() {
        try {
            DockerClientFactory.instance().client();
            return Optional.empty();
        } catch (RuntimeException e) {
            // Testcontainers' own message only says to read its log; name the usual places too.
            String dockerHost = System.getenv("DOCKER_HOST");
            String looked = dockerHost != null ? "DOCKER_HOST=" + dockerHost
                    : Files.exists(Path.of(DEFAULT_SOCKET)) ? "DOCKER_HOST unset, " + DEFAULT_SOCKET + " does not answer"
                    : "DOCKER_HOST unset, no " + DEFAULT_SOCKET;
            return Optional.of(looked + "; Testcontainers: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
