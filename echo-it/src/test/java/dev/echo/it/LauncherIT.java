package dev.echo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.testkit.Await;
import dev.echo.testkit.OwnThread;
import dev.echo.testkit.WireClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bin/ launchers on a fresh copy of the repository (no target/ folders): two started at once
 * both work (one waits for the other's build), a source of a module the jar depends on that is newer
 * than the jar makes the next launch rebuild, saying so in one line, the build prints no JVM warning
 * on the JDK running this suite, and a rebuild does not pull the jar from under a running tool.
 */
class LauncherIT {
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(10);

    @TempDir
    Path copy;

    @Test
    void launchersStartedTogetherBothWorkAndAChangedSourceRebuildsInOneLine() throws Exception {
        copyWithoutBuildOutput(DockerCli.repoRoot(), copy);
        CompletableFuture<Command.Result> server = CompletableFuture.supplyAsync(
                () -> launch("echo-server", "--version"), OwnThread.named("echo-server launcher"));
        CompletableFuture<Command.Result> client = CompletableFuture.supplyAsync(
                () -> launch("echo-client", "--version"), OwnThread.named("echo-client launcher"));
        assertLaunched("echo-server", server.get());
        assertLaunched("echo-client", client.get());

        Path jar = copy.resolve("echo-server/target/echo-server.jar");
        Path source = copy.resolve("echo-core/src/main/java/dev/echo/core/Framing.java");
        Files.setLastModifiedTime(source, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1_000));
        Command.Result rebuilt = launch("echo-server", "--version");
        assertEquals(List.of("echo-server: echo-core/src/main/java/dev/echo/core/Framing.java changed since the last build;"
                + " building echo-server...", "echo-server " + version(rebuilt)), rebuilt.output().lines().toList(),
                "expected one line saying why, then the tool's own output");
        Command.Result upToDate = launch("echo-server", "--version");
        assertEquals(1, upToDate.output().lines().count(), "expected no build once the jar is newer: " + upToDate.output());

        // A server started by its launcher keeps working while a later launch rebuilds its jar: its
        // first connection comes after the rebuild, so it loads the connection classes then. A new
        // class shifts every entry of the rebuilt jar, which a JVM reading target/ itself would not survive.
        Path log = copy.resolve("server.log");
        Process running = new ProcessBuilder(copy.resolve("bin/echo-server").toString(), "--port", "0")
                .directory(copy.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        running.getOutputStream().close();
        try {
            int port = awaitPort(log, running);
            Files.writeString(copy.resolve("echo-core/src/main/java/dev/echo/core/LauncherItAddition.java"),
                    "package dev.echo.core;\n\nfinal class LauncherItAddition {\n    private LauncherItAddition() {}\n}\n");
            assertEquals(0, launch("echo-server", "--version").exitCode(), "expected the rebuild to work");
            String answer;
            try (WireClient wire = WireClient.connect(port)) {
                answer = wire.echo("after the rebuild");
            } catch (IOException e) {
                throw new AssertionError("expected the running server to answer after its jar was rebuilt, got " + e
                        + "; its log:\n" + readQuietly(log), e);
            }
            assertEquals("after the rebuild", answer);
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    private static int awaitPort(Path log, Process running) throws Exception {
        Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
        Await.until("the launched server's listening line", Duration.ofSeconds(60),
                () -> listening.matcher(readQuietly(log)).find(),
                () -> "alive=" + running.isAlive() + ", log: " + readQuietly(log));
        Matcher m = listening.matcher(readQuietly(log));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /** The log so far; empty before the process has written it. */
    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private Command.Result launch(String tool, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(copy.resolve("bin/" + tool).toString()));
        command.addAll(List.of(args));
        return Command.of(command.toArray(String[]::new)).in(copy)
                .withEnvironment(Map.of("JAVA_HOME", System.getProperty("java.home"))).run(BUILD_LIMIT);
    }

    private static void assertLaunched(String tool, Command.Result result) {
        assertEquals(0, result.exitCode(), tool + " failed:\n" + result.output());
        List<String> lines = result.output().lines().toList();
        assertTrue(lines.getLast().matches(tool + " \\S+"), "expected the version line last:\n" + result.output());
        assertTrue(lines.stream().allMatch(l -> l.startsWith(tool + ": ") || l.equals(lines.getLast())),
                "expected only the launcher's own lines besides the tool's, no JVM or build warning:\n" + result.output());
    }

    private static String version(Command.Result result) {
        String last = result.output().lines().toList().getLast();
        return last.substring(last.indexOf(' ') + 1);
    }

    /** The repository as a fresh clone has it: no target/ folders (and no .git, which the launchers do not need). */
    private static void copyWithoutBuildOutput(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                if (!dir.equals(from) && (name.equals("target") || name.equals(".git"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().equals(".git")) { // a worktree's pointer to its repository
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
