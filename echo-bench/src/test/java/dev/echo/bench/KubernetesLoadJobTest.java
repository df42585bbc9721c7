package dev.echo.bench;

import dev.echo.cli.UsageException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.cli.ParsedArgs;
import dev.echo.testkit.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The load Jobs of deploy/k8s/load ask echo-load for what it has: each generator pod's arguments,
 * its index put in as the Job controller does and its volumes laid out in a directory as the
 * kubelet mounts them (the TLS Secret's keys as PEM files), are accepted by echo-load's own parser
 * ({@link LoadMain#parse}, which also reads the TLS files and checks the log's directory), and the
 * merge Job's by {@code echo-load merge}'s. echo-server's KubernetesManifestsTest checks the rest
 * (the Service, the shares, the log names against the merge list).
 */
class KubernetesLoadJobTest {
    private static final Path LOAD = Path.of("../deploy/k8s/load");
    private static final String INDEX = "$(JOB_COMPLETION_INDEX)";

    @Test
    void everyGeneratorPodsArgumentsAreEchoLoadRunOptions(@TempDir Path pods) throws Exception {
        Map<?, ?> job = load(LOAD.resolve("echo-load-job.yaml"));
        int completions = (Integer) at(job, "spec", "completions");
        List<String> args = strings(at(container(job), "args"));
        assertEquals("run", args.get(0), "the generators' first argument");
        TestPki pki = TestPki.create(pods.resolve("pki"));

        Set<Path> logs = new HashSet<>();
        Set<String> tags = new HashSet<>();
        for (int index = 0; index < completions; index++) {
            String[] pod = podArguments(job, args.subList(1, args.size()), index, pods.resolve("pod-" + index), pki);
            LoadMain.Invocation run = LoadMain.parse(pod);
            assertNotNull(run, "the generator's arguments ask for --help or --version: " + List.of(pod));
            assertTrue(run.config().tls().enabled(), "the generators speak TLS");
            assertNotNull(run.config().tls().certificate(), "the generators present a client certificate");
            logs.add(run.hdrLog());
            tags.add(run.tag());
        }
        assertEquals(completions, logs.size(), "each generator writes a log of its own: " + logs);
        assertEquals(completions, tags.size(), "each generator has a tag of its own: " + tags);
    }

    @Test
    void aMisspelledOptionInTheJobIsRefused(@TempDir Path pods) throws Exception {
        Map<?, ?> job = load(LOAD.resolve("echo-load-job.yaml"));
        List<String> args = new ArrayList<>(strings(at(container(job), "args")));
        args.set(args.indexOf("--connections"), "--conections");
        TestPki pki = TestPki.create(pods.resolve("pki"));
        String[] pod = podArguments(job, args.subList(1, args.size()), 0, pods.resolve("pod-0"), pki);

        UsageException refused = assertThrows(UsageException.class, () -> LoadMain.parse(pod));
        assertTrue(refused.getMessage().contains("conections"), refused.getMessage());
    }

    @Test
    void theMergeJobsArgumentsAreEchoLoadMergeOptions() throws Exception {
        Map<?, ?> merge = load(LOAD.resolve("echo-load-merge.yaml"));
        List<String> args = strings(at(container(merge), "args"));
        assertEquals("merge", args.get(0), "the merge Job's first argument");

        ParsedArgs line = CliValues.parse(MergeMain.SPEC, args.subList(1, args.size()).toArray(String[]::new));

        int completions = (Integer) at(load(LOAD.resolve("echo-load-job.yaml")), "spec", "completions");
        assertEquals(completions, line.arguments().size(), "one log per generator: " + line.arguments());
    }

    /**
     * One pod's arguments: its index in place of {@code $(JOB_COMPLETION_INDEX)} and each volume
     * mount's path mapped to a directory under {@code pod}; a Secret's directory holds the client
     * PEM files its keys name (ca.crt, tls.crt, tls.key), as the README's kubectl command makes it.
     */
    private static String[] podArguments(Map<?, ?> job, List<String> args, int index, Path pod, TestPki pki)
            throws IOException {
        Map<?, ?> podSpec = (Map<?, ?>) at(job, "spec", "template", "spec");
        List<String> mapped = new ArrayList<>();
        for (String arg : args) {
            String value = arg.replace(INDEX, Integer.toString(index));
            for (Object m : (List<?>) at(container(job), "volumeMounts")) {
                Map<?, ?> mount = (Map<?, ?>) m;
                String mountPath = (String) mount.get("mountPath");
                if (value.startsWith(mountPath + "/")) {
                    Path directory = pod.resolve((String) mount.get("name"));
                    Files.createDirectories(directory);
                    Path file = directory.resolve(value.substring(mountPath.length() + 1));
                    if (isSecret(podSpec, (String) mount.get("name"))) {
                        Files.copy(secretFile(file.getFileName().toString(), pki), file);
                    }
                    value = file.toString();
                    break;
                }
            }
            mapped.add(value);
        }
        return mapped.toArray(String[]::new);
    }

    private static Path secretFile(String key, TestPki pki) {
        return switch (key) {
            case "ca.crt" -> pki.caCertificate();
            case "tls.crt" -> pki.client().certificate();
            case "tls.key" -> pki.client().key();
            default -> throw new AssertionError("the README's echo-load-tls Secret has no key " + key);
        };
    }

    private static boolean isSecret(Map<?, ?> podSpec, String volume) {
        for (Object v : (List<?>) podSpec.get("volumes")) {
            if (volume.equals(((Map<?, ?>) v).get("name"))) {
                return ((Map<?, ?>) v).containsKey("secret");
            }
        }
        throw new AssertionError("no volume named " + volume);
    }

    private static Map<?, ?> load(Path file) throws IOException {
        return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    private static Map<?, ?> container(Map<?, ?> job) {
        return (Map<?, ?>) ((List<?>) at(job, "spec", "template", "spec", "containers")).get(0);
    }

    private static Object at(Map<?, ?> node, String... keys) {
        Object value = node;
        for (String key : keys) {
            value = ((Map<?, ?>) value).get(key);
            assertNotNull(value, "no " + String.join(".", keys));
        }
        return value;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }
}
