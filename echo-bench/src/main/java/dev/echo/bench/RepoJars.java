package dev.echo.bench;

import dev.echo.cli.UsageException;
import dev.echo.cli.CliOption;
import dev.echo.cli.ValueType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the runnable jars of this repository: under {@code --root}, else the system property
 * {@code echo.root}, else the working directory (bin/echo-load runs from anywhere, so it is also
 * looked for above the jar this code runs from).
 */
public final class RepoJars {
    /** {@code --root DIR}, the option of every command that starts this repository's jars. */
    public static final CliOption<String> ROOT_OPTION = CliOption.value("root", "DIR", ValueType.text(),
            "repository folder holding the built jars").defaultLabel("found from the working directory");

    private final Path root;

    private RepoJars(Path root) {
        this.root = root;
    }

    /** @param explicitRoot the --root value, or null */
    public static RepoJars locate(String explicitRoot) {
        if (explicitRoot != null) {
            return new RepoJars(Path.of(explicitRoot).toAbsolutePath().normalize());
        }
        String property = System.getProperty("echo.root");
        if (property != null) {
            return new RepoJars(Path.of(property).toAbsolutePath().normalize());
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("echo-bench"))) {
            return new RepoJars(cwd);
        }
        // .../echo-bench/target/echo-bench.jar (or target/classes) -> the repository root
        var source = RepoJars.class.getProtectionDomain().getCodeSource();
        if (source != null && "file".equals(source.getLocation().getProtocol())) {
            try {
                for (Path p = Path.of(source.getLocation().toURI()); p != null; p = p.getParent()) {
                    if (Files.isDirectory(p.resolve("echo-bench")) && Files.isDirectory(p.resolve("echo-server"))) {
                        return new RepoJars(p);
                    }
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot read the location of echo-bench: " + source.getLocation(), e);
            }
        }
        return new RepoJars(cwd);
    }

    public Path root() {
        return root;
    }

    /** echo-server/target/echo-server.jar. */
    public Path serverJar() throws UsageException {
        return require("echo-server", "echo-server.jar");
    }

    /** echo-bench/target/echo-bench.jar. */
    public Path benchJar() throws UsageException {
        return require("echo-bench", "echo-bench.jar");
    }

    private Path require(String module, String jar) throws UsageException {
        Path path = root.resolve(module).resolve("target").resolve(jar);
        if (!Files.isRegularFile(path)) {
            throw new UsageException(path + " is missing: build it with ./mvnw -pl " + module
                    + " -am -DskipTests package (or pass --root with the repository's folder)");
        }
        return path;
    }
}
