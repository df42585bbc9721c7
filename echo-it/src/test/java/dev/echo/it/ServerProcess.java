package dev.echo.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server ({@code java -jar echo-server.jar ...}) as its own process, run by the JDK that
 * runs the tests; its output is collected line by line.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("^echo-server listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutPump;
    private final Thread stderrPump;

    private ServerProcess(Process process) {
        this.process = process;
        this.stdoutPump = Thread.ofVirtual().start(() -> collect(process.getInputStream(), stdout));
        this.stderrPump = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), stderr));
    }

    /** Starts {@code java jvmOptions... -jar echo-server.jar serverArgs...}. */
    static ServerProcess start(List<String> jvmOptions, String... serverArgs) {
        List<String> command = new ArrayList<>();
        command.add(ServerJar.javaLauncher());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(ServerJar.path().toString());
        command.addAll(List.of(serverArgs));
        try {
            return new ServerProcess(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The port from the start line {@code echo-server listening on 127.0.0.1:PORT (...)}. */
    int awaitPort(Duration deadline) {
        Await.until("the line 'echo-server listening on 127.0.0.1:PORT'", deadline,
                () -> !stdout.isEmpty() || !process.isAlive(), this::describe);
        Matcher matcher = LISTENING.matcher(stdout.isEmpty() ? "" : stdout.get(0));
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

    /** The exit code; fails if the process has not exited within {@code deadline}. */
    int awaitExit(Duration deadline) {
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("expected the server process to exit within " + deadline + ", but " + describe());
            }
            // The pumps end at end of stream, right after the exit.
            stdoutPump.join(Duration.ofSeconds(5));
            stderrPump.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server process", e);
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    String describe() {
        return "process " + process.pid() + (process.isAlive() ? " running" : " exited with " + process.exitValue())
                + "; stdout: " + stdout + "; stderr: " + stderr;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void collect(InputStream stream, List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("[output lost: " + e + "]");
        }
    }
}
