package dev.echo.it;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The server's image running in a container on the host network, listening on 127.0.0.1 at a port it
 * picked itself (read back from its start line). The Dockerfile's ENTRYPOINT is kept; only the
 * arguments are the test's.
 */
final class ServerContainer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("echo-server listening on ([^\\s:]+):(\\d+)");

    private final GenericContainer<?> container;
    private final String host;
    private final int port;

    private ServerContainer(GenericContainer<?> container, String host, int port) {
        this.container = container;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts a container of {@link ServerImage} with {@code serverArgs} after {@code --host 127.0.0.1
     * --port 0}, limited to {@code memoryBytes} (0 = no limit, no swap beyond it either). Its health
     * check is off: it cannot know a port the server picks itself.
     */
    static ServerContainer start(long memoryBytes, String... serverArgs) {
        List<String> command = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(serverArgs));
        return start(memoryBytes, false, command);
    }

    /**
     * Starts a container with exactly {@code serverArgs} as its arguments, the image's ECHO_* variables
     * and health check left as a user gets them.
     */
    static ServerContainer startAsUsersDo(String... serverArgs) {
        return start(0, true, List.of(serverArgs), Map.of(), null);
    }

    /**
     * As {@link #startAsUsersDo(String...)}, with {@code environment} added to the image's and the host
     * directory {@code mount.host} mounted read-only at {@code mount.container} (where a user mounts
     * certificates, a Kubernetes Secret for one): its files must be readable by the image's user.
     */
    static ServerContainer startAsUsersDo(Mount mount, Map<String, String> environment, String... serverArgs) {
        return start(0, true, List.of(serverArgs), environment, mount);
    }

    /** A host directory mounted read-only into the container. */
    record Mount(Path host, String container) {}

    private static ServerContainer start(long memoryBytes, boolean healthCheck, List<String> command) {
        return start(memoryBytes, healthCheck, command, Map.of(), null);
    }

    private static ServerContainer start(long memoryBytes, boolean healthCheck, List<String> command,
                                         Map<String, String> environment, Mount mount) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(ServerImage.get()))
                .withNetworkMode("host")
                .withEnv(environment)
                .withCommand(command.toArray(String[]::new))
                .withCreateContainerCmdModifier(create -> {
                    HostConfig host = create.getHostConfig() == null ? new HostConfig() : create.getHostConfig();
                    host.withUlimits(List.of(new Ulimit("nofile", 20_000L, 20_000L)));
                    if (memoryBytes > 0) {
                        host.withMemory(memoryBytes).withMemorySwap(memoryBytes);
                    }
                    create.withHostConfig(host);
                    if (!healthCheck) {
                        create.withHealthcheck(new HealthCheck().withTest(List.of("NONE")));
                    }
                })
                .waitingFor(Wait.forLogMessage(".*echo-server listening on .*", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)));
        if (mount != null) {
            container.withFileSystemBind(mount.host().toString(), mount.container(), BindMode.READ_ONLY);
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            String logs = container.getContainerId() == null ? "(no container)" : container.getLogs();
            container.stop();
            throw new AssertionError("expected the server container to start and print its listening line; logs:\n"
                    + logs, e);
        }
        Matcher matcher = LISTENING.matcher(container.getLogs());
        if (!matcher.find()) {
            String logs = container.getLogs();
            container.stop();
            throw new AssertionError("expected 'echo-server listening on 127.0.0.1:PORT' in the logs, got:\n" + logs);
        }
        return new ServerContainer(container, matcher.group(1), Integer.parseInt(matcher.group(2)));
    }

    int port() {
        return port;
    }

    /** The address the server says it listens on. */
    String host() {
        return host;
    }

    /** Docker's verdict on the health check ("starting", "healthy", "unhealthy") and its last output. */
    String health() {
        HealthState health = container.getDockerClient().inspectContainerCmd(id()).exec().getState().getHealth();
        if (health == null) {
            return "none";
        }
        List<HealthStateLog> log = health.getLog() == null ? List.of() : health.getLog();
        return health.getStatus() + (log.isEmpty() ? "" : " (last check: " + log.getLast().getOutput().strip() + ")");
    }

    /** The checks Docker remembers (its last five), each with how long it took: why a verdict is what it is. */
    String healthChecks() {
        HealthState health = container.getDockerClient().inspectContainerCmd(id()).exec().getState().getHealth();
        if (health == null || health.getLog() == null) {
            return "no health checks";
        }
        StringBuilder checks = new StringBuilder(health.getStatus());
        for (HealthStateLog check : health.getLog()) {
            checks.append("\n  ").append(check.getStart()).append(" took ").append(took(check))
                    .append(", exit ").append(check.getExitCodeLong()).append(": ").append(check.getOutput().strip());
        }
        return checks.toString();
    }

    private static String took(HealthStateLog check) {
        try {
            return Duration.between(Instant.parse(check.getStart()), Instant.parse(check.getEnd())).toMillis() + " ms";
        } catch (RuntimeException e) {
            return "? (start " + check.getStart() + ", end " + check.getEnd() + ")";
        }
    }

    String id() {
        return container.getContainerId();
    }

    String logs() {
        return container.getLogs();
    }

    void pause() {
        container.getDockerClient().pauseContainerCmd(id()).exec();
    }

    void unpause() {
        container.getDockerClient().unpauseContainerCmd(id()).exec();
    }

    /** SIGKILL, as an OOM killer or a crashed host would. */
    void kill() {
        container.getDockerClient().killContainerCmd(id()).exec();
    }

    /** {@code docker stop}: SIGTERM to the server (PID 1), SIGKILL after {@code timeout}; returns the exit code. */
    long stop(Duration timeout) {
        container.getDockerClient().stopContainerCmd(id()).withTimeout((int) timeout.toSeconds()).exec();
        Long exit = container.getDockerClient().inspectContainerCmd(id()).exec().getState().getExitCodeLong();
        return exit == null ? -1 : exit;
    }

    boolean isPaused() {
        return Boolean.TRUE.equals(container.getDockerClient().inspectContainerCmd(id()).exec().getState().getPaused());
    }

    boolean isRunning() {
        return Boolean.TRUE.equals(container.getDockerClient().inspectContainerCmd(id()).exec().getState().getRunning());
    }

    boolean wasOomKilled() {
        return Boolean.TRUE.equals(container.getDockerClient().inspectContainerCmd(id()).exec().getState().getOOMKilled());
    }

    /** The container's memory use as {@code docker stats} reports it, for the test's report. */
    String memoryUsage() {
        return DockerCli.run(Duration.ofSeconds(30), "stats", "--no-stream", "--format", "{{.MemUsage}}", id())
                .output().trim();
    }

    @Override
    public void close() {
        try {
            if (isPaused()) {
                unpause(); // a paused container cannot always be stopped
            }
        } catch (RuntimeException e) {
            System.err.println("echo-it: could not check or unpause " + id() + ": " + e);
        }
        container.stop();
    }
}
