package dev.echo.testkit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server run from its jar as its own JVM process, by the JDK this one runs on: {@code java
 * [jvmOptions] -jar JAR args} or {@code java [jvmOptions] -cp JAR MAIN_CLASS args}. Its stdout and
 * stderr go to two files of a fresh directory (files, not pipes: nothing is lost when the process
 * exits while its output is read), read back line by line; its port comes from the first line it
 * prints, {@code ... listening on HOST:PORT ...}.
 *
 * <pre>{@code
 * try (ServerProcess server = ServerProcess.builder(jar).args("--port", "0").start()) {
 *     int port = server.awaitPort(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on \\S*:(\\d+)");
    /** How long a kill may take to be reaped. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final ServerCommand command;
    private final Process process;
    private final Path outputDirectory;
    private volatile int port = -1;

    private ServerProcess(ServerCommand command, Process process, Path outputDirectory) {
        this.command = command;
        this.process = process;
        this.outputDirectory = outputDirectory;
    }

    /** A process of {@code java -jar jar}, to be completed and started. */
    public static ServerCommand.Builder builder(Path jar) {
        return new AutoBuilder_ServerCommand_Builder(ServerCommand.plain(jar));
    }

    /**
     * A benchmark's server: {@code java --enable-native-access=ALL-UNNAMED [jvmOptions] -cp COPY
     * mainClass args}, run from a private copy of {@code jar}, its output kept after {@link #close()},
     * which sends SIGTERM and allows 15 s. Returns once the server prints its port.
     *
     * @throws IOException naming the server when it cannot start or prints no listening line in time
     */
    public static ServerProcess start(String name, Path jar, String mainClass, List<String> jvmOptions,
                                      List<String> args, Duration startTimeout) throws IOException {
        List<String> options = new ArrayList<>();
        options.add("--enable-native-access=ALL-UNNAMED"); // Netty's epoll transport loads native code
        options.addAll(jvmOptions);
        ServerProcess server = builder(jar).name(name).mainClass(mainClass).jvmOptions(options).args(args)
                .runCopy().keepOutput().stopGrace(Duration.ofSeconds(15)).start();
        try {
            server.awaitPort(startTimeout);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    static ServerProcess start(ServerCommand command) throws IOException {
        Path jar = command.runCopy() ? privateCopy(command.jar()) : command.jar();
        List<String> line = command.commandLine(javaBinary(), jar);
        Path directory = Files.createTempDirectory("echo-" + command.name().replaceAll("[^A-Za-z0-9]+", "-") + "-");
        Process process = new ProcessBuilder(line)
                .redirectOutput(directory.resolve("stdout.log").toFile())
                .redirectError(directory.resolve("stderr.log").toFile())
                .start();
        return new ServerProcess(command, process, directory);
    }

    /** The java binary this JVM runs on, so that every process uses the same JDK. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * A temporary copy of {@code jar}, deleted when this JVM exits: a process runs the copy, so that
     * a rebuild of the module during a long benchmark cannot swap classes under it.
     */
    public static Path privateCopy(Path jar) throws IOException {
        Path copy = Files.createTempFile("echo-" + jar.getFileName().toString().replace(".jar", "") + "-", ".jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().deleteOnExit();
        return copy;
    }

    /**
     * Waits for the first line of stdout and returns the port it names.
     *
     * @throws IOException if no line comes within {@code deadline}, or the first line names no port
     *     (the process exited, or printed something else first); the message shows its output
     */
    public int awaitPort(Duration deadline) throws IOException {
        boolean printed = Await.holdsWithin(deadline, Await.POLL_INTERVAL,
                () -> !stdout().isEmpty() || !process.isAlive());
        if (!printed) {
            throw new IOException(name() + " printed no listening line within " + deadline + ": " + describe());
        }
        List<String> lines = stdout();
        Matcher matcher = LISTENING.matcher(lines.isEmpty() ? "" : lines.get(0));
        if (!matcher.find()) {
            throw new IOException(name() + " did not start: expected its first line on stdout to say"
                    + " 'listening on HOST:PORT', but " + describe());
        }
        port = Integer.parseInt(matcher.group(1));
        return port;
    }

    /** The port read by {@link #awaitPort}. */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the port of " + name() + " is not known yet: call awaitPort first");
        }
        return port;
    }

    /** SIGTERM, as {@code kill PID} or a container runtime's stop does. */
    public void terminate() {
        process.destroy();
    }

    /**
     * The exit code.
     *
     * @throws IOException if the process has not exited within {@code deadline}
     */
    public int awaitExit(Duration deadline) throws IOException {
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("expected " + name() + " to exit within " + deadline + ", but " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + name() + " to exit");
        }
        return process.exitValue();
    }

    public String name() {
        return command.name();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The directory of its output: {@code stdout.log} and {@code stderr.log}. */
    public Path log() {
        return outputDirectory;
    }

    /** Complete lines written to stdout so far. */
    public List<String> stdout() {
        return lines(outputDirectory.resolve("stdout.log"));
    }

    /** Complete lines written to stderr so far. */
    public List<String> stderr() {
        return lines(outputDirectory.resolve("stderr.log"));
    }

    /** Whether it runs, or how it ended, and its output so far: for failure messages. */
    public String describe() {
        return name() + " (process " + process.pid() + (process.isAlive() ? " running" : " exited with " + process.exitValue())
                + "; stdout: " + stdout() + "; stderr: " + stderr() + "; output in " + outputDirectory + ")";
    }

    /**
     * Stops the process if it still runs: SIGTERM and the command's stop grace, then a kill (at once
     * when the grace is zero); then deletes its output unless the command keeps it.
     */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (!command.keepOutput()) {
                deleteOutput();
            }
        }
    }

    private void stop() throws InterruptedException {
        Duration grace = command.stopGrace();
        if (grace.isPositive()) {
            process.destroy();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void deleteOutput() {
        try {
            Files.deleteIfExists(outputDirectory.resolve("stdout.log"));
            Files.deleteIfExists(outputDirectory.resolve("stderr.log"));
            Files.deleteIfExists(outputDirectory);
        } catch (IOException e) {
            System.err.println("echo-testkit: could not delete " + outputDirectory + ": " + e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n'); // a line still being written is not a line yet
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
