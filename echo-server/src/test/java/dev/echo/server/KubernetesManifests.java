package dev.echo.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every Kubernetes object in the YAML files of some directories, as {@code kubectl apply -f DIR}
 * reads them: each {@code .yaml}/{@code .yml} file directly in a directory (not below it), each
 * document of a file.
 */
final class KubernetesManifests {
    private final List<YamlNode> objects;

    private KubernetesManifests(List<YamlNode> objects) {
        this.objects = List.copyOf(objects);
    }

    static KubernetesManifests read(Path... directories) throws IOException {
        List<YamlNode> objects = new ArrayList<>();
        for (Path directory : directories) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(directory)) {
                files = listing.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .sorted().toList();
            }
            for (Path file : files) {
                Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
                for (Object document : load.loadAllFromString(Files.readString(file))) {
                    if (document == null) {
                        continue;
                    }
                    YamlNode object = new YamlNode(document, file.getFileName().toString());
                    String name = object.at("metadata.name").text("?");
                    objects.add(new YamlNode(document, object.get("kind").text("?") + "/" + name));
                }
            }
        }
        return new KubernetesManifests(objects);
    }

    List<YamlNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind").text(""))).toList();
    }

    /** The one object of {@code kind} named {@code name}. */
    YamlNode one(String kind, String name) {
        List<YamlNode> found = ofKind(kind).stream().filter(o -> name.equals(o.at("metadata.name").text(""))).toList();
        if (found.size() != 1) {
            throw new YamlNode.ManifestException("expected one " + kind + " named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The one object of {@code kind}. */
    YamlNode one(String kind) {
        List<YamlNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new YamlNode.ManifestException("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    /** Whether every label {@code selector} asks for is in {@code labels}. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
