package io.checkpointrelay.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** One overlay of deploy/k8s as {@code kubectl kustomize} renders it. */
final class RenderedManifests {

    static final Path K8S = ServiceSettings.repository().resolve("deploy/k8s");

    private final String overlay;
    private final List<Map<String, Object>> resources = new ArrayList<>();

    private RenderedManifests(String overlay, String yaml) {
        this.overlay = overlay;
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        for (Object document : new Yaml(options).loadAll(yaml)) {
            if (document != null) {
                resources.add(Tree.map(document));
            }
        }
    }

    /** Renders {@code deploy/k8s/overlays/<overlay>}; fails with kubectl's message when kustomize refuses it. */
    static RenderedManifests render(Path kubectl, String overlay) {
        Commands.Result result = Commands.run(K8S, List.of(kubectl.toString(), "kustomize", "overlays/" + overlay));
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize deploy/k8s/overlays/" + overlay + " failed:\n" + result.output());
        }
        return new RenderedManifests(overlay, result.output());
    }

    String overlay() {
        return overlay;
    }

    List<Map<String, Object>> all(String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return all(kind).stream().filter(r -> name.equals(Tree.text(r, "metadata/name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** The keys of a rendered ConfigMap or Secret with their values (a Secret's base64 as is); empty when it is not rendered. */
    Map<String, String> data(String kind, String name) {
        Map<String, String> data = new LinkedHashMap<>();
        find(kind, name).ifPresent(resource -> {
            for (String field : List.of("data", "stringData", "binaryData")) {
                Tree.mapAt(resource, field).forEach((key, value) -> data.put(key, String.valueOf(value)));
            }
        });
        return data;
    }

    /** The single container of a Deployment's pods. */
    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = Tree.listAt(deployment, "spec/template/spec/containers");
        if (containers.size() != 1) {
            throw new AssertionError(Tree.text(deployment, "metadata/name") + " has " + containers.size() + " containers, expected one");
        }
        return Tree.map(containers.getFirst());
    }

    /**
     * Every variable the container is given: its own {@code env} entries and every key of the
     * ConfigMaps and Secrets its {@code envFrom} names (those rendered here).
     */
    Set<String> environmentNames(Map<String, Object> deployment) {
        Map<String, Object> container = container(deployment);
        Set<String> names = new LinkedHashSet<>();
        for (Object source : Tree.list(container.get("envFrom"))) {
            String prefix = Optional.ofNullable(Tree.text(source, "prefix")).orElse("");
            String configMap = Tree.text(source, "configMapRef/name");
            String secret = Tree.text(source, "secretRef/name");
            if (configMap != null) {
                data("ConfigMap", configMap).keySet().forEach(key -> names.add(prefix + key));
            }
            if (secret != null) {
                data("Secret", secret).keySet().forEach(key -> names.add(prefix + key));
            }
        }
        Tree.list(container.get("env")).forEach(entry -> names.add(Tree.text(entry, "name")));
        return names;
    }

    /** A variable's literal value: an {@code env} value, else from an envFrom ConfigMap; null when it comes from a Secret. */
    String literalValue(Map<String, Object> deployment, String name) {
        Map<String, Object> container = container(deployment);
        for (Object entry : Tree.list(container.get("env"))) {
            if (name.equals(Tree.text(entry, "name"))) {
                return Tree.text(entry, "value");
            }
        }
        for (Object source : Tree.list(container.get("envFrom"))) {
            String configMap = Tree.text(source, "configMapRef/name");
            if (configMap != null) {
                String prefix = Optional.ofNullable(Tree.text(source, "prefix")).orElse("");
                String value = data("ConfigMap", configMap).get(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** The Secret an {@code env} entry takes its value from, with the key, if it does. */
    static Optional<Map<String, Object>> secretKeyRef(Map<String, Object> deployment, String name) {
        return Tree.list(container(deployment).get("env")).stream().filter(entry -> name.equals(Tree.text(entry, "name")))
                .map(entry -> Tree.mapAt(entry, "valueFrom/secretKeyRef")).filter(ref -> !ref.isEmpty()).findFirst();
    }
}
