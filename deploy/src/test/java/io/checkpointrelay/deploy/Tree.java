package io.checkpointrelay.deploy;

import java.util.List;
import java.util.Map;

/** Reading parsed YAML (maps, lists, scalars): a missing node reads as empty, never as an exception. */
final class Tree {

    private Tree() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node instanceof List<?> list ? (List<Object>) list : List.of();
    }

    /** The node at a path of map keys separated by '/' (keys may contain dots), or null. */
    static Object at(Object node, String path) {
        Object current = node;
        for (String key : path.split("/")) {
            current = map(current).get(key);
        }
        return current;
    }

    static Map<String, Object> mapAt(Object node, String path) {
        return map(at(node, path));
    }

    static List<Object> listAt(Object node, String path) {
        return list(at(node, path));
    }

    /** The scalar at a path as text (numbers and booleans too), or null. */
    static String text(Object node, String path) {
        Object value = at(node, path);
        return value == null || value instanceof Map || value instanceof List ? null : value.toString();
    }
}
