package dev.echo.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code docker} command line, for what a user does by hand: build, import, pull, inspect. */
final class DockerCli {
    private DockerCli() {}

    static Command command(String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        // The classic builder: it needs no buildx plugin and never pulls an image that exists locally.
        return new Command(List.copyOf(command), null, null, Map.of("DOCKER_BUILDKIT", "0"));
    }

    static Command.Result run(Duration timeout, String... args) {
        return command(args).run(timeout);
    }

    static boolean imageExists(String image) {
        return run(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Id}}", image).succeeded();
    }

    static Path repoRoot() {
        String root = System.getProperty("echo.repo.root");
        if (root == null) {
            throw new IllegalStateException("system property echo.repo.root is not set: run the suite through Maven (failsafe sets it)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }
}
