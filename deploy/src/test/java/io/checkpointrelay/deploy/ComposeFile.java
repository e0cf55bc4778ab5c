package io.checkpointrelay.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml as compose reads it: services, and each service's environment with its env files. */
final class ComposeFile {

    private final Path directory;
    private final Map<String, Object> root;

    private ComposeFile(Path file) {
        this.directory = file.toAbsolutePath().getParent();
        try (Reader reader = Files.newBufferedReader(file)) {
            this.root = Tree.map(new Yaml().load(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ComposeFile read(Path file) {
        return new ComposeFile(file);
    }

    Map<String, Object> root() {
        return root;
    }

    Map<String, Object> services() {
        return Tree.mapAt(root, "services");
    }

    Map<String, Object> service(String name) {
        return Tree.map(services().get(name));
    }

    /** The service's own {@code environment} entries (a map or a list of NAME=value). */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object entries = service.get("environment");
        if (entries instanceof Map<?, ?> map) {
            map.forEach((name, value) -> environment.put(name.toString(), value == null ? "" : value.toString()));
        }
        for (Object entry : Tree.list(entries)) {
            String[] parts = entry.toString().split("=", 2);
            environment.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return environment;
    }

    /** Everything the container's environment gets: its env files, then its own entries over them. */
    Map<String, String> containerEnvironment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String file : envFiles(service)) {
            environment.putAll(readEnvFile(directory.resolve(file)));
        }
        environment.putAll(environment(service));
        return environment;
    }

    static List<String> envFiles(Map<String, Object> service) {
        Object files = service.get("env_file");
        return files instanceof String file ? List.of(file) : Tree.list(files).stream().map(Object::toString).toList();
    }

    /** NAME=value lines; blank lines and # comments skipped. */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> environment = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("=", 2);
                environment.put(parts[0].strip(), parts.length > 1 ? parts[1].strip() : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return environment;
    }
}
