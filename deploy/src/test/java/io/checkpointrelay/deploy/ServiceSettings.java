package io.checkpointrelay.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import io.checkpointrelay.events.KafkaClientSecurity;
import io.checkpointrelay.stack.DeploymentSettings;
import io.checkpointrelay.stack.RelayHome;
import io.checkpointrelay.stack.RelayService;

/**
 * The settings of each service, in the names a deployment gives them: what it must set
 * ({@link DeploymentSettings}) and everything it reads at all, to recognise a variable nobody
 * reads (a typo).
 */
final class ServiceSettings {

    /**
     * Read by every service although no application.properties names them: Quarkus's own
     * shutdown timeout, and the run-java.sh variables of the images' base
     * (registry.access.redhat.com/ubi9/openjdk-21-runtime).
     */
    private static final List<String> RUNTIME_VARIABLES = List.of(envName("quarkus.shutdown.timeout"), "JAVA_MAX_MEM_RATIO",
            "JAVA_INITIAL_MEM_RATIO", "JAVA_OPTS_APPEND");

    private static final RelayHome HOME = RelayHome.find();

    private ServiceSettings() {
    }

    static Path repository() {
        return HOME.root();
    }

    /** The environment variable MicroProfile Config reads a key from: upper case, every other character '_'. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The service's application.properties, profile prefixes ({@code %test.}) removed. */
    static Properties applicationProperties(RelayService service) {
        Path file = HOME.root().resolve("services").resolve(service.moduleName()).resolve("src/main/resources/application.properties");
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            raw.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties properties = new Properties();
        raw.stringPropertyNames().forEach(key -> properties.setProperty(key.replaceFirst("^%[^.]+\\.", ""), raw.getProperty(key)));
        return properties;
    }

    /** Every variable the service reads: its properties, what a deployment must set, Kafka security, the runtime's. */
    static Set<String> readNames(RelayService service) {
        Set<String> names = new LinkedHashSet<>();
        applicationProperties(service).stringPropertyNames().forEach(key -> names.add(envName(key)));
        DeploymentSettings.of(service).forEach(setting -> setting.keys().forEach(key -> names.add(envName(key))));
        DeploymentSettings.credentials(service).forEach(key -> names.add(envName(key)));
        KafkaClientSecurity.KEYS.forEach(key -> names.add(envName("kafka." + key)));
        names.addAll(RUNTIME_VARIABLES);
        return names;
    }

    /** The names a setting may be given under (its alternatives). */
    static List<String> names(DeploymentSettings.Setting setting) {
        return setting.keys().stream().map(ServiceSettings::envName).toList();
    }
}
