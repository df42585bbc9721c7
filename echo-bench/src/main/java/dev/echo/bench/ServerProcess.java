package dev.echo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as its own JVM process on {@code --port 0}: its port is read from the first
 * line it prints ("... listening on HOST:PORT ..."). {@link #close()} sends SIGTERM and waits, then
 * kills. Its output after the first line goes to a log file.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s]*:(\\d+)");

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The java binary this JVM runs on, so that every process uses the same JDK. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts {@code java [jvmOptions] -cp jar mainClass args} and waits up to {@code startTimeout}
     * for its listening line.
     *
     * @throws IOException naming the server when it cannot start or prints no listening line in time
     */
    public static ServerProcess start(String name, Path jar, String mainClass, List<String> jvmOptions,
                                      List<String> args, Duration startTimeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(privateCopy(jar).toString());
        command.add(mainClass);
        command.addAll(args);
        Path log = Files.createTempFile("echo-bench-" + name.replaceAll("[^A-Za-z0-9]+", "-") + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("output-" + name).start(() -> copyOutput(process, firstLine, log));
        String line;
        try {
            line = firstLine.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            throw new IOException(name + " printed no listening line within " + startTimeout.toSeconds()
                    + " s; its output is in " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while starting", e);
        }
        Matcher m = line == null ? null : LISTENING.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IOException(name + " did not start: it printed '" + line + "'; its output is in " + log);
        }
        return new ServerProcess(name, process, Integer.parseInt(m.group(1)), log);
    }

    /**
     * A temporary copy of {@code jar}, deleted when this JVM exits: a process runs the copy, so that
     * a rebuild of the module during a long benchmark cannot swap classes under it.
     */
    public static Path privateCopy(Path jar) throws IOException {
        Path copy = Files.createTempFile("echo-bench-" + jar.getFileName().toString().replace(".jar", "") + "-", ".jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().deleteOnExit();
        return copy;
    }

    private static void copyOutput(Process process, CompletableFuture<String> firstLine, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!firstLine.isDone() && line.contains("listening on")) {
                    firstLine.complete(line);
                }
                out.write(line);
                out.newLine();
                out.flush();
            }
            firstLine.complete(null);
        } catch (IOException e) {
            firstLine.completeExceptionally(new UncheckedIOException(e));
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, up to 15 s for a graceful exit, then a kill. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
