package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/k8s agrees with the server it deploys (no cluster runs here: this is the check there is),
 * and the check catches each kind of mistake: a copy of the repository's manifests, Dockerfiles and
 * README with one line broken must fail with the problem named.
 */
class KubernetesManifestsTest {
    private static final Path REPOSITORY = Path.of("..");

    @Test
    void shippedManifestsAgreeWithTheServerAndTheImages() throws IOException {
        List<String> problems = KubernetesManifestCheck.problems(REPOSITORY);
        assertEquals(List.of(), problems, "deploy/k8s disagrees with echo-server:\n" + String.join("\n", problems));
    }

    @Test
    void stopArithmeticUsesTheServersOwnWorstCase() {
        // 10 s preStop + 20 s grace + 24 s close() + 5 s margin = 59 <= 60 in deployment.yaml
        assertEquals(24, EchoServer.MAX_CLOSE_AFTER_GRACE.toSeconds());
    }

    static Stream<Arguments> brokenCopies() {
        String deployment = "deploy/k8s/deployment.yaml";
        String job = "deploy/k8s/load/echo-load-job.yaml";
        return Stream.of(
                Arguments.of("a readiness probe on the wrong port", deployment,
                        "readinessProbe:\n            httpGet:\n              path: /healthz\n              port: metrics",
                        "readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 9090",
                        "readinessProbe.httpGet.port 9090, but /healthz is on the metrics port 9464"),
                Arguments.of("the metrics port moved, the probes not", deployment,
                        "name: ECHO_METRICS_PORT\n              value: \"9464\"",
                        "name: ECHO_METRICS_PORT\n              value: \"9465\"",
                        "/healthz is on the metrics port 9465"),
                Arguments.of("a liveness probe on another path", deployment,
                        "livenessProbe:\n            httpGet:\n              path: /healthz",
                        "livenessProbe:\n            httpGet:\n              path: /metrics",
                        "livenessProbe.httpGet.path is /metrics, not /healthz"),
                Arguments.of("metrics on loopback", deployment, "name: ECHO_METRICS_HOST\n              value: 0.0.0.0",
                        "name: ECHO_METRICS_HOST\n              value: 127.0.0.1", "cannot reach"),
                Arguments.of("a variable that is no option", deployment, "name: ECHO_GRACE\n",
                        "name: ECHO_GRACE_PERIOD\n", "ECHO_GRACE_PERIOD is not an echo-server option"),
                Arguments.of("a value the server refuses", deployment, "value: 20s", "value: twenty",
                        "echo-server would refuse to start"),
                Arguments.of("a grace period the kubelet cuts short", deployment, "value: 20s", "value: 40s",
                        "terminationGracePeriodSeconds 60 < preStop 10 s + ECHO_GRACE 40 s + close() 24 s + margin 5 s"),
                Arguments.of("no preStop delay", deployment, "sleep:\n                seconds: 10",
                        "sleep:\n                seconds: 1", "shorter than 5 s"),
                Arguments.of("the container port not the server's", deployment,
                        "name: ECHO_PORT\n              value: \"8080\"", "name: ECHO_PORT\n              value: \"8443\"",
                        "is container port 8080, but the server listens on 8443"),
                Arguments.of("the TLS Secret mounted with subPath", deployment,
                        "mountPath: /etc/echo/tls\n              readOnly: true",
                        "mountPath: /etc/echo/tls/tls.crt\n              subPath: tls.crt", "subPath"),
                Arguments.of("a Secret made without the key the server reads", "README.md",
                        "--from-file=tls.crt=certs/server.pem", "--from-file=server.pem=certs/server.pem",
                        "/etc/echo/tls/tls.crt needs key tls.crt in Secret echo-tls, but README.md creates it with keys"),
                Arguments.of("root allowed", deployment, "runAsNonRoot: true", "runAsNonRoot: false",
                        "runAsNonRoot is not true"),
                Arguments.of("a writable root filesystem", deployment, "readOnlyRootFilesystem: true",
                        "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not true"),
                Arguments.of("another image", deployment, "image: echo-server:latest", "image: echo:latest",
                        "image echo:latest is not what `docker build -t echo-server` builds"),
                Arguments.of("a Service that selects nothing", "deploy/k8s/service.yaml",
                        "selector:\n    app.kubernetes.io/name: echo-server",
                        "selector:\n    app.kubernetes.io/name: echo", "does not select the echo-server pods"),
                Arguments.of("a PDB that blocks every drain", "deploy/k8s/pdb.yaml", "minAvailable: 1",
                        "minAvailable: 2", "a node drain could never evict a pod"),
                Arguments.of("an autoscaler aimed elsewhere", "deploy/k8s/hpa.yaml", "name: echo-server\n  minReplicas",
                        "name: echo\n  minReplicas", "is not the Deployment echo-server"),
                Arguments.of("generators that do not add up", job, "parallelism: 4", "parallelism: 2",
                        "the generators would not all run at once"),
                Arguments.of("a share that is not the total's", job, "- \"64\"", "- \"100\"",
                        "--connections 100 x 4 completions is not the total 256"),
                Arguments.of("an undeclared index variable", job, "- gen-$(JOB_COMPLETION_INDEX)",
                        "- gen-$(JOB_INDEX)", "refers to $(JOB_INDEX), not in env"),
                Arguments.of("load at another host", job, "- echo-server ", "- echo ", "--host echo is not the Service"),
                Arguments.of("a merge that misses a log", "deploy/k8s/load/echo-load-merge.yaml",
                        ", \"/out/gen-3.hdr\"]", "]", "are not the logs the 4 generators write"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void brokenCopyFails(String mistake, String file, String from, String to, String expectedProblem,
                         @TempDir Path copy) throws IOException {
        copyRepository(copy);
        Path broken = copy.resolve(file);
        String text = Files.readString(broken);
        assertTrue(text.contains(from), file + " no longer contains the text this case breaks: " + from);
        Files.writeString(broken, text.replace(from, to));

        List<String> problems = KubernetesManifestCheck.problems(copy);

        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
                mistake + ": expected a problem with '" + expectedProblem + "', got:\n" + String.join("\n", problems));
    }

    /** What the check reads: the Dockerfile, the README and deploy/, as in the repository. */
    private static void copyRepository(Path copy) throws IOException {
        Files.copy(REPOSITORY.resolve("Dockerfile"), copy.resolve("Dockerfile"));
        Files.copy(REPOSITORY.resolve("README.md"), copy.resolve("README.md"));
        try (Stream<Path> files = Files.walk(REPOSITORY.resolve("deploy"))) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(REPOSITORY.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
