package dev.echo.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server ({@code java -jar echo-server.jar ...}) as its own process, run by the JDK that
 * runs the tests; its output goes to files, read line by line.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^echo-server listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;

    private ServerProcess(Process process, Path stdoutFile, Path stderrFile) {
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
    }

    /** Starts {@code java jvmOptions... -jar echo-server.jar serverArgs...}. */
    static ServerProcess start(List<String> jvmOptions, String... serverArgs) {
        return start(List.of(), jvmOptions, serverArgs);
    }

    /**
     * Starts the server as {@link #start} does, with at most {@code maxOpenFiles} open files (its
     * JVM's own included): {@code bash -c 'ulimit -n N; exec java ...'}, so the pid is the JVM's.
     */
    static ServerProcess startWithOpenFileLimit(int maxOpenFiles, List<String> jvmOptions, String... serverArgs) {
        // The command travels as bash's positional parameters: nothing to quote.
        return start(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "echo-server"),
                jvmOptions, serverArgs);
    }

    private static ServerProcess start(List<String> launcher, List<String> jvmOptions, String... serverArgs) {
        List<String> command = new ArrayList<>(launcher);
        command.add(ServerJar.javaLauncher());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(ServerJar.path().toString());
        command.addAll(List.of(serverArgs));
        try {
            // Files, not pipes: nothing is lost when the process exits while its output is being read.
            Path stdout = Files.createTempFile("echo-server-", ".out");
            Path stderr = Files.createTempFile("echo-server-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            return new ServerProcess(process, stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The port from the start line {@code echo-server listening on 127.0.0.1:PORT (...)}. */
    int awaitPort(Duration deadline) {
        Await.until("the line 'echo-server listening on 127.0.0.1:PORT'", deadline,
                () -> !stdout().isEmpty() || !process.isAlive(), this::describe);
        List<String> lines = stdout();
        Matcher matcher = LISTENING.matcher(lines.isEmpty() ? "" : lines.get(0));
        if (!matcher.find()) {
            throw new AssertionError("expected the first line of stdout to be 'echo-server listening on 127.0.0.1:PORT (...)', "
                    + "but " + describe());
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** SIGTERM, as {@code kill PID} or a container runtime's stop does. */
    void terminate() {
        process.destroy();
    }

    /** Sends the signal {@code name} (HUP, INT, TERM, ...) as {@code kill -NAME PID} does. */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " + describe());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending SIG" + name, e);
        }
    }

    /** The exit code; fails if the process has not exited within {@code deadline}. */
    int awaitExit(Duration deadline) {
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("expected the server process to exit within " + deadline + ", but " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server process", e);
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Complete lines written to stdout so far. */
    List<String> stdout() {
        return lines(stdoutFile);
    }

    /** Complete lines written to stderr so far. */
    List<String> stderr() {
        return lines(stderrFile);
    }

    String describe() {
        return "process " + process.pid() + (process.isAlive() ? " running" : " exited with " + process.exitValue())
                + "; stdout: " + stdout() + "; stderr: " + stderr();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(stdoutFile);
                Files.deleteIfExists(stderrFile);
            } catch (IOException e) {
                System.err.println("echo-it: could not delete " + stdoutFile + " or " + stderrFile + ": " + e);
            }
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
