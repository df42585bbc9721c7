package dev.echo.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile says that a pod spec must agree with: the name its header comment builds it as
 * ({@code docker build -t NAME ...}), its {@code ENV} variables, {@code EXPOSE}d ports, the {@code
 * USER}'s uid and whether {@code ENTRYPOINT} is in exec form (so that the JVM is PID 1 and gets the
 * kubelet's SIGTERM, not a shell that would swallow it). Enough of the format for our own files.
 */
record DockerfileFacts(String builtAs, Map<String, String> environment, List<Integer> exposedPorts, Integer uid,
                       boolean execEntrypoint) {
    private static final Pattern BUILD_TAG = Pattern.compile("docker build -t ([\\w.\\-/]+)");
    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    static DockerfileFacts read(Path dockerfile) throws IOException {
        String builtAs = null;
        Map<String, String> environment = new LinkedHashMap<>();
        List<Integer> exposed = new ArrayList<>();
        Integer uid = null;
        boolean execEntrypoint = false;
        for (String instruction : instructions(Files.readAllLines(dockerfile), dockerfile)) {
            if (instruction.startsWith("#")) {
                Matcher tag = BUILD_TAG.matcher(instruction);
                if (builtAs == null && tag.find()) {
                    builtAs = tag.group(1);
                }
                continue;
            }
            String[] words = instruction.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].strip() : "";
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "ENV" -> {
                    Matcher pair = ENV_PAIR.matcher(rest);
                    while (pair.find()) {
                        environment.put(pair.group(1), pair.group(2).replace("\"", ""));
                    }
                }
                case "EXPOSE" -> {
                    for (String port : rest.split("\\s+")) {
                        exposed.add(Integer.parseInt(port.replace("/tcp", "")));
                    }
                }
                case "USER" -> uid = Integer.parseInt(rest.split(":")[0]);
                case "ENTRYPOINT" -> execEntrypoint = rest.startsWith("[");
                default -> { }
            }
        }
        if (builtAs == null) {
            throw new IOException(dockerfile + " has no 'docker build -t NAME' line in its comments");
        }
        return new DockerfileFacts(builtAs, environment, List.copyOf(exposed), uid, execEntrypoint);
    }

    /** Comment lines one by one, instructions with their continuation lines joined. */
    private static List<String> instructions(List<String> lines, Path dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                if (!line.isEmpty()) {
                    instructions.add(line);
                }
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                instructions.add(current.append(line).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }
}
