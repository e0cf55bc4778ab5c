package io.checkpointrelay.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.DeploymentSettings;
import io.checkpointrelay.stack.RelayService;
import io.checkpointrelay.stack.demo.DemoTarget;

/**
 * docker-compose.yml: compose accepts it, and it gives every service every setting that service
 * needs under the name it reads, starts it only once what it needs is healthy, creates every
 * topic, and runs the demo client in the {@code demo} profile.
 */
class ComposeFileTest {

    private static final Path FILE = ServiceSettings.repository().resolve("docker-compose.yml");
    private static final String POSTGRES = "postgres";
    private static final String KAFKA_TOPICS = "kafka-topics";

    private final ComposeFile compose = ComposeFile.read(FILE);

    @Test
    void dockerComposeAcceptsTheFileWithAndWithoutTheDemoProfile() {
        Optional<List<String>> composeCommand = composeCommand();
        assumeTrue(composeCommand.isPresent(), "docker-compose (or the docker compose plugin) is not installed: skipping 'docker-compose config'."
                + " './relay test' installs Debian's docker-compose when apt-get is available; the other checks here parse the file themselves.");
        for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "demo"))) {
            List<String> command = new ArrayList<>(composeCommand.get());
            command.addAll(List.of("-f", FILE.toString()));
            command.addAll(profile);
            command.addAll(List.of("config", "-q"));
            Commands.Result result = Commands.run(FILE.getParent(), command);
            assertThat(result.exitCode()).as("%s:%n%s", String.join(" ", command), result.output()).isZero();
        }
    }

    @Test
    void everyServiceGetsEverySettingItNeedsUnderTheNameItReads() {
        for (RelayService service : RelayService.values()) {
            Map<String, Object> definition = compose.service(service.moduleName());
            assertThat(definition).as("service %s in %s", service.moduleName(), FILE).isNotEmpty();
            Map<String, String> environment = compose.containerEnvironment(definition);
            for (DeploymentSettings.Setting setting : DeploymentSettings.of(service)) {
                List<String> names = ServiceSettings.names(setting);
                Optional<String> given = names.stream().filter(name -> !environment.getOrDefault(name, "").isBlank()).findFirst();
                assertThat(given).as("%s sets one of %s (setting %s)", service.moduleName(), names, setting.keys()).isPresent();
                setting.value().ifPresent(value -> assertThat(environment.get(given.get()))
                        .as("%s: %s", service.moduleName(), given.get()).isEqualTo(value));
            }
            for (String key : DeploymentSettings.credentials(service)) {
                assertThat(environment.getOrDefault(ServiceSettings.envName(key), ""))
                        .as("%s sets %s (%s)", service.moduleName(), ServiceSettings.envName(key), key).isNotBlank();
            }
        }
    }

    @Test
    void everyVariableAServiceIsGivenIsOneItReads() {
        for (RelayService service : RelayService.values()) {
            assertThat(ComposeFile.environment(compose.service(service.moduleName())).keySet())
                    .as("variables of %s that it never reads (a typo?); what it reads: its application.properties and DeploymentSettings",
                            service.moduleName())
                    .isSubsetOf(ServiceSettings.readNames(service));
        }
    }

    @Test
    void theServicesLogIntoTheDatabaseTheImageCreates() {
        Map<String, String> database = compose.containerEnvironment(compose.service(POSTGRES));
        for (RelayService service : RelayService.values()) {
            if (DeploymentSettings.credentials(service).isEmpty()) {
                continue;
            }
            Map<String, String> environment = compose.containerEnvironment(compose.service(service.moduleName()));
            assertThat(environment.get(ServiceSettings.envName(DeploymentSettings.DATABASE_USER))).as("%s: database user", service.moduleName())
                    .isEqualTo(database.get("POSTGRES_USER"));
            assertThat(environment.get(ServiceSettings.envName(DeploymentSettings.DATABASE_PASSWORD)))
                    .as("%s: database password", service.moduleName()).isEqualTo(database.get("POSTGRES_PASSWORD"));
        }
        assertThat(Tree.list(compose.service(POSTGRES).get("command"))).as("postgres command").contains("wal_level=logical");
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsOnlyOnceWhatItUsesIsHealthy() {
        for (Map.Entry<String, Object> entry : compose.services().entrySet()) {
            Map<String, Object> service = Tree.map(entry.getValue());
            if (service.containsKey("build") && !entry.getKey().equals("demo") || entry.getKey().equals("kafka") || entry.getKey().equals(POSTGRES)) {
                assertThat(Tree.listAt(service, "healthcheck/test")).as("health check of %s", entry.getKey()).isNotEmpty();
            }
            Object dependsOn = service.get("depends_on");
            assertThat(dependsOn instanceof List).as("depends_on of %s: a map with a condition for each", entry.getKey()).isFalse();
            Tree.map(dependsOn).forEach((dependency, spec) -> {
                assertThat(compose.services()).as("%s depends on %s", entry.getKey(), dependency).containsKey(dependency);
                assertThat(Tree.text(spec, "condition")).as("%s waits for %s", entry.getKey(), dependency)
                        .isIn("service_healthy", "service_completed_successfully");
            });
        }
        for (RelayService service : RelayService.values()) {
            Map<String, Object> dependsOn = Tree.mapAt(compose.service(service.moduleName()), "depends_on");
            List<String> keys = DeploymentSettings.of(service).stream().flatMap(s -> s.keys().stream()).toList();
            if (keys.contains(DeploymentSettings.KAFKA_BOOTSTRAP_SERVERS)) {
                assertThat(Tree.text(dependsOn, KAFKA_TOPICS + "/condition")).as("%s waits for the topics", service.moduleName())
                        .isEqualTo("service_completed_successfully");
            }
            if (keys.contains(DeploymentSettings.REACTIVE_URL) || keys.contains(DeploymentSettings.JDBC_URL)) {
                assertThat(Tree.text(dependsOn, POSTGRES + "/condition")).as("%s waits for PostgreSQL", service.moduleName())
                        .isEqualTo("service_healthy");
            }
        }
        assertThat(Tree.text(compose.service(KAFKA_TOPICS), "depends_on/kafka/condition")).isEqualTo("service_healthy");
    }

    @Test
    void everyTopicTheCodeUsesIsCreated() throws IllegalAccessException {
        String script = String.join(" ", Tree.list(compose.service(KAFKA_TOPICS).get("entrypoint")).stream().map(Object::toString).toList());
        for (String topic : topics()) {
            assertThat(script).as("kafka-topics creates %s", topic).containsPattern("(^|[\\s\"])" + topic.replace(".", "\\.") + "([\\s\";]|$)");
        }
        assertThat(script).as("the tracker's clients topic is compacted")
                .containsPattern(Topics.TRACKER_CLIENTS.replace(".", "\\.") + "[^;]*cleanup\\.policy=compact");
    }

    @Test
    void theDemoProfileRunsTheDemoAgainstTheServicesOnceTheyAreHealthy() {
        Map<String, Object> demo = compose.service("demo");
        assertThat(Tree.list(demo.get("profiles"))).as("profiles of demo").containsExactly("demo");
        Map<String, String> environment = compose.containerEnvironment(demo);
        assertThat(environment).containsEntry(DemoTarget.UPLOAD_API_URL, url(RelayService.UPLOAD_API))
                .containsEntry(DemoTarget.SYNC_URL, url(RelayService.SYNC_BRIDGE))
                .containsEntry(DemoTarget.TRACKER_URL, url(RelayService.CHECKPOINT_TRACKER))
                .containsEntry(DemoTarget.POSTGRES_JDBC_URL, "jdbc:postgresql://" + POSTGRES + ":5432/app");
        assertThat(environment.get(DemoTarget.RELAY_JWT_SECRET)).as("the demo signs tokens with the services' secret")
                .isNotBlank().isEqualTo(compose.containerEnvironment(compose.service(RelayService.UPLOAD_API.moduleName()))
                        .get(ServiceSettings.envName(DeploymentSettings.JWT_SECRET)));
        assertThat(environment.get(DemoTarget.POSTGRES_PASSWORD)).isEqualTo(compose.containerEnvironment(compose.service(POSTGRES))
                .get("POSTGRES_PASSWORD"));
        for (RelayService service : RelayService.values()) {
            assertThat(Tree.text(demo, "depends_on/" + service.moduleName() + "/condition")).as("demo waits for %s", service.moduleName())
                    .isEqualTo("service_healthy");
        }
    }

    @Test
    void everyServicePublishesTheEmbeddedStacksPortAndNamedVolumesAreDeclared() {
        for (RelayService service : RelayService.values()) {
            assertThat(Tree.list(compose.service(service.moduleName()).get("ports")).stream().map(Object::toString))
                    .as("ports of %s", service.moduleName()).contains(service.defaultPort() + ":" + service.defaultPort());
        }
        Map<String, Object> declared = Tree.mapAt(compose.root(), "volumes");
        compose.services().forEach((name, service) -> Tree.list(Tree.map(service).get("volumes")).forEach(volume -> {
            String source = volume.toString().split(":")[0];
            if (!source.startsWith(".") && !source.startsWith("/")) {
                assertThat(declared).as("volume %s of %s is declared", source, name).containsKey(source);
            }
        }));
    }

    private static String url(RelayService service) {
        return "http://" + service.moduleName() + ":" + service.defaultPort();
    }

    /** Every topic name in {@link Topics}. */
    static List<String> topics() throws IllegalAccessException {
        List<String> topics = new ArrayList<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                topics.add((String) field.get(null));
            }
        }
        assertThat(topics).as("Topics constants").isNotEmpty();
        return topics;
    }

    /** docker-compose (v1, Debian's package), else the docker compose plugin. */
    private static Optional<List<String>> composeCommand() {
        Optional<Path> v1 = Commands.find("docker-compose");
        if (v1.isPresent()) {
            return Optional.of(List.of(v1.get().toString()));
        }
        return Commands.find("docker").filter(docker -> Commands.run(FILE.getParent(), List.of(docker.toString(), "compose", "version")).exitCode() == 0)
                .map(docker -> Arrays.asList(docker.toString(), "compose"));
    }
}
