package dev.echo.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link ServerProcess}: which jar, how, and what happens to it at the end.
 *
 * @param name what messages call it, and the prefix of its output directory
 * @param jar the jar to run
 * @param mainClass the class to run from the jar's classpath, or null to run it with {@code -jar}
 * @param jvmOptions options of the JVM, before the jar
 * @param args the server's own arguments
 * @param maxOpenFiles the most files it may have open (its JVM's own included), or 0 for the inherited limit
 * @param runCopy whether it runs a private copy of the jar, so that a rebuild cannot swap classes under it
 * @param stopGrace how long {@link ServerProcess#close()} waits after SIGTERM before a kill; zero kills at once
 * @param keepOutput whether its output files outlive {@link ServerProcess#close()}
 */
public record ServerCommand(String name, Path jar, String mainClass, List<String> jvmOptions, List<String> args,
                            int maxOpenFiles, boolean runCopy, Duration stopGrace, boolean keepOutput) {
    public ServerCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jar, "jar");
        jvmOptions = List.copyOf(jvmOptions);
        args = List.copyOf(args);
        if (maxOpenFiles < 0) {
            throw new IllegalArgumentException("maxOpenFiles must be 0 (inherited) or positive: " + maxOpenFiles);
        }
        if (stopGrace.isNegative()) {
            throw new IllegalArgumentException("stopGrace must not be negative: " + stopGrace);
        }
    }

    /** The command line, with {@code java} and the jar at {@code jarToRun}. */
    List<String> commandLine(String java, Path jarToRun) {
        List<String> line = new ArrayList<>();
        if (maxOpenFiles > 0) {
            // The command travels as bash's positional parameters: nothing to quote; exec keeps the pid the JVM's.
            line.addAll(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", name));
        }
        line.add(java);
        line.addAll(jvmOptions);
        if (mainClass == null) {
            line.addAll(List.of("-jar", jarToRun.toString()));
        } else {
            line.addAll(List.of("-cp", jarToRun.toString(), mainClass));
        }
        line.addAll(args);
        return line;
    }

    /** Builds a command; every setting but the jar has a default: a plain {@code java -jar JAR}, killed at the end. */
    public static final class Builder {
        private final Path jar;
        private String name;
        private String mainClass;
        private List<String> jvmOptions = List.of();
        private List<String> args = List.of();
        private int maxOpenFiles;
        private boolean runCopy;
        private Duration stopGrace = Duration.ZERO;
        private boolean keepOutput;

        Builder(Path jar) {
            this.jar = Objects.requireNonNull(jar, "jar");
            this.name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        }

        /** Default: the jar's file name without {@code .jar}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Runs {@code -cp JAR mainClass} instead of {@code -jar JAR}. */
        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = jvmOptions;
            return this;
        }

        public Builder args(String... args) {
            return args(List.of(args));
        }

        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        /** Runs it under {@code ulimit -n maxOpenFiles} (through bash). */
        public Builder maxOpenFiles(int maxOpenFiles) {
            this.maxOpenFiles = maxOpenFiles;
            return this;
        }

        public Builder runCopy() {
            this.runCopy = true;
            return this;
        }

        public Builder stopGrace(Duration stopGrace) {
            this.stopGrace = stopGrace;
            return this;
        }

        public Builder keepOutput() {
            this.keepOutput = true;
            return this;
        }

        public ServerCommand build() {
            return new ServerCommand(name, jar, mainClass, jvmOptions, args, maxOpenFiles, runCopy, stopGrace, keepOutput);
        }

        /** Builds the command and starts it; does not wait for it to listen (see {@link ServerProcess#awaitPort}). */
        public ServerProcess start() throws IOException {
            return ServerProcess.start(build());
        }
    }
}
