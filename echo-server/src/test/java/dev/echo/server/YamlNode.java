package dev.echo.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A place in a parsed YAML document, named by its path ({@code Deployment/echo-server
 * spec.template.spec.containers[0].ports}) so that a check can say exactly what is wrong where. A
 * missing key gives a node whose value is null; asking it for a value throws {@link
 * ManifestException} naming the path.
 */
record YamlNode(Object value, String path) {

    /** A manifest is wrong or lacks what a check needs; the message names the place. */
    static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }
    }

    boolean exists() {
        return value != null;
    }

    YamlNode get(String key) {
        Object child = value instanceof Map<?, ?> map ? map.get(key) : null;
        return new YamlNode(child, path + "." + key);
    }

    /** {@code get("a").get("b")} as {@code at("a.b")}. */
    YamlNode at(String dottedKeys) {
        YamlNode node = this;
        for (String key : dottedKeys.split("\\.")) {
            node = node.get(key);
        }
        return node;
    }

    List<YamlNode> items() {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ManifestException(path + " should be a list, is: " + value);
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            items.add(new YamlNode(list.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    Map<String, String> stringMap() {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ManifestException(path + " should be a map, is: " + value);
        }
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((k, v) -> strings.put(String.valueOf(k), String.valueOf(v)));
        return strings;
    }

    String text() {
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new ManifestException(path + " should be a value, is: " + (value == null ? "missing" : value));
        }
        return String.valueOf(value);
    }

    /** The value, or {@code fallback} when the key is missing. */
    String text(String fallback) {
        return exists() ? text() : fallback;
    }

    int integer() {
        String text = text();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ManifestException(path + " should be a whole number, is: " + text);
        }
    }

    boolean isTrue() {
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }
}
