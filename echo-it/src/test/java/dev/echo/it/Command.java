package dev.echo.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One external command run to completion within a deadline; a failure carries the command and its output. */
record Command(List<String> command, Path directory, Path stdin, Map<String, String> environment) {
    /** How long the output may stay open after the command ended (a child holding it, or a starved pump). */
    private static final Duration OUTPUT_AFTER_EXIT = Duration.ofSeconds(30);

    /** What the command printed (stdout and stderr together) and how it ended. */
    record Result(List<String> command, int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }

        Result orThrow() {
            if (!succeeded()) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    static Command of(String... command) {
        return new Command(List.of(command), null, null, Map.of());
    }

    Command in(Path dir) {
        return new Command(command, dir, stdin, environment);
    }

    Command withInput(Path file) {
        return new Command(command, directory, file, environment);
    }

    Command withEnvironment(Map<String, String> extra) {
        return new Command(command, directory, stdin, extra);
    }

    Result run(Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        String line = String.join(" ", command);
        try {
            Process process = builder.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            // A platform thread: a virtual one was seen starved for over 10 s by a test's thousands of
            // client threads on busy cores (docker stats in ContainerIT, four CPU hogs).
            Thread pump = Thread.ofPlatform().daemon().name("command-output").start(() -> copy(process.getInputStream(), output));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(line + " did not finish within " + timeout);
            }
            if (!pump.join(OUTPUT_AFTER_EXIT)) {
                throw new IllegalStateException(line + " ended but its output stayed open for " + OUTPUT_AFTER_EXIT);
            }
            return new Result(command, process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + line, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + line, e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            out.writeBytes(("\n[output lost: " + e + "]").getBytes(StandardCharsets.UTF_8));
        }
    }
}
