package io.checkpointrelay.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against a real child JVM ({@link FakeService}), so start, readiness, stop and kill are real. */
class ServiceProcessTest {

    @TempDir
    Path logs;

    private ServiceProcess fake(String mode) throws URISyntaxException {
        return fake(mode, Ports.free());
    }

    private ServiceProcess fake(String mode, int port) throws URISyntaxException {
        String classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return new ServiceProcess("fake-" + mode, List.of("-cp", classes, FakeService.class.getName()), Map.of("fake.mode", mode),
                port, logs.resolve("fake-" + mode + ".log"));
    }

    @Test
    void startsAJvmWaitsUntilReadyAndStopsItGracefully() throws Exception {
        try (ServiceProcess service = fake("ready")) {
            service.start(Duration.ofSeconds(60));
            assertThat(service.isAlive()).isTrue();
            assertThat(service.command()).contains("-Dfake.mode=ready", "-Dquarkus.http.port=" + service.port());
            assertThat(service.command().getFirst()).isEqualTo(ServiceProcess.javaExecutable().toString());

            service.stop();

            assertThat(service.isAlive()).isFalse();
            assertThat(Files.readString(service.logFile())).contains("fake service listening on " + service.port(),
                    "fake service shut down gracefully");
        }
    }

    @Test
    void killEndsTheProcessAtOnceAndItRestartsOnTheSamePort() throws Exception {
        try (ServiceProcess service = fake("ready")) {
            service.start(Duration.ofSeconds(60));
            long firstPid = service.pid();

            service.kill();
            assertThat(service.isAlive()).isFalse();
            assertThat(Files.readString(service.logFile())).doesNotContain("shut down gracefully");

            service.start(Duration.ofSeconds(60));
            assertThat(service.pid()).isNotEqualTo(firstPid);
            assertThat(Files.readString(service.logFile()).split("fake service listening on " + service.port(), -1)).hasSize(3);
        }
    }

    @Test
    void aServiceThatExitsFailsTheStartWithItsLog() throws Exception {
        try (ServiceProcess service = fake("crash")) {
            assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("fake-crash exited with code 3")
                    .hasMessageContaining(service.logFile().toString())
                    .hasMessageContaining("boom: relay.schema.file is missing");
        }
    }

    @Test
    void tellsAPortTakenMeanwhileFromOtherFailures() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServiceProcess service = fake("ready", taken.getLocalPort());
                ServiceProcess crashing = fake("crash")) {
            assertThatThrownBy(() -> service.start(Duration.ofSeconds(60))).hasMessageContaining("Address already in use");
            assertThat(service.exitedOnPortConflict()).isTrue();
            assertThatThrownBy(() -> crashing.start(Duration.ofSeconds(60))).isInstanceOf(ServiceStartException.class);
            assertThat(crashing.exitedOnPortConflict()).isFalse();
        }
    }

    @Test
    void aServiceThatNeverGetsReadyIsStoppedAfterTheTimeout() throws Exception {
        try (ServiceProcess service = fake("never-ready")) {
            // The timeout counts from here: a JVM slow to boot on a busy machine would not answer at all.
            service.launch();
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(service.logFile()).contains("fake service listening"));
            assertThatThrownBy(() -> service.awaitReady(Duration.ofSeconds(3)))
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("was not ready within 3 s")
                    .hasMessageContaining("HTTP 503")
                    .hasMessageContaining("fake service listening");
            assertThat(service.isAlive()).isFalse();
        }
    }

    @Test
    void aMissingJarIsNamedWithHowToBuildIt() {
        assertThatThrownBy(() -> ServiceProcess.quarkusApp("upload-api", logs.resolve("nope/quarkus-run.jar"), Map.of(), 1, logs.resolve("x.log")))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageContaining("upload-api is not built")
                .hasMessageContaining("relay build");
    }
}
