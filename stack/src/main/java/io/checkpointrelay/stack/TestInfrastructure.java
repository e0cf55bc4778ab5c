package io.checkpointrelay.stack;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;

import io.checkpointrelay.stack.containers.ContainerInfrastructure;

/**
 * The {@link Infrastructure} integration tests run on, chosen by the system property
 * {@value #PROPERTY}: {@value #EMBEDDED} (the default) or {@value #TESTCONTAINERS}, which the
 * Maven profile {@code -Ptestcontainers} sets for surefire and failsafe.
 *
 * <p>Where containers cannot run (no Docker daemon) choosing them aborts the calling test, which
 * JUnit reports as skipped with the reason: a run that asked for containers never fails for want
 * of Docker and never passes on the embedded servers in their place. Test classes that start the
 * infrastructure in {@code @BeforeAll}, or through a Quarkus test resource, are skipped as a whole
 * by {@link TestInfrastructureCondition} (see {@link UsesTestInfrastructure}).
 */
public final class TestInfrastructure {

    public static final String PROPERTY = "relay.test.infrastructure";
    public static final String EMBEDDED = "embedded";
    public static final String TESTCONTAINERS = "testcontainers";

    /** Probed once per class loader: asking Docker takes a moment, and its answer does not change during a run. */
    private static volatile Optional<String> containerProblem;

    private TestInfrastructure() {
    }

    /**
     * The infrastructure the property selects.
     *
     * @throws org.opentest4j.TestAbortedException when it selects containers and they cannot run here
     * @throws IllegalArgumentException            when it names no infrastructure
     */
    public static Infrastructure selected() {
        return select(System.getProperty(PROPERTY), TestInfrastructure::containerProblem);
    }

    /** @param containerProblem why containers cannot run here, or empty when they can */
    static Infrastructure select(String value, Supplier<Optional<String>> containerProblem) {
        String name = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (name) {
            case "", EMBEDDED -> {
                return Infrastructure.EMBEDDED;
            }
            case TESTCONTAINERS -> {
                containerProblem.get().ifPresent(problem -> Assumptions.abort(unavailable(problem)));
                return new ContainerInfrastructure();
            }
            default -> throw new IllegalArgumentException(PROPERTY + " is '" + value + "': it must be " + EMBEDDED + " (the default) or "
                    + TESTCONTAINERS + " (Kafka and PostgreSQL in Docker containers, Maven profile -Ptestcontainers)");
        }
    }

    /** Skips the calling test, as a failed assumption, when the broker cannot be stopped and started again (containers). */
    public static void assumeRestartable(KafkaBroker kafka) {
        assumeRestartable(kafka.restartable(), "Kafka");
    }

    /** Skips the calling test, as a failed assumption, when the server cannot be stopped and started again (containers). */
    public static void assumeRestartable(PostgresServer postgres) {
        assumeRestartable(postgres.restartable(), "PostgreSQL");
    }

    /** Skips the calling test, as a failed assumption, unless the selected provider runs Kafka clusters whose brokers stop one by one. */
    public static void assumeBrokerClusters() {
        if (!selected().offersBrokerClusters()) {
            Assumptions.abort("This fault test stops one Kafka broker of three, which the container provider does not offer: it runs on "
                    + PROPERTY + "=" + EMBEDDED + " (the default) only");
        }
    }

    private static void assumeRestartable(boolean restartable, String server) {
        if (!restartable) {
            Assumptions.abort("This fault test restarts " + server + " on the same address, which a container cannot offer: it runs on "
                    + PROPERTY + "=" + EMBEDDED + " (the default) only");
        }
    }

    private static String unavailable(String problem) {
        return PROPERTY + "=" + TESTCONTAINERS + " " + problem + "; run without -Ptestcontainers to use the embedded Kafka and PostgreSQL ("
                + PROPERTY + "=" + EMBEDDED + ", the default)";
    }

    private static Optional<String> containerProblem() {
        Optional<String> problem = containerProblem;
        if (problem == null) {
            problem = probeContainers();
            containerProblem = problem;
            // Surefire shows skipped tests on the console without their reason: say it once here.
            problem.ifPresent(p -> System.getLogger(TestInfrastructure.class.getName())
                    .log(System.Logger.Level.WARNING, unavailable(p) + ". Tests that need Kafka and PostgreSQL are skipped."));
        }
        return problem;
    }

    private static Optional<String> probeContainers() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, TestInfrastructure.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of("needs Testcontainers on the test class path: none found (the Maven profile -Ptestcontainers adds it)");
        }
        return ContainerInfrastructure.dockerProblem().map(reason -> "needs a Docker daemon: none found (" + reason + ")");
    }
}
