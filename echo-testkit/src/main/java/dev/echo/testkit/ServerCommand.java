package dev.echo.testkit;

import com.google.auto.value.AutoBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
public record ServerCommand(String name, Path jar, @Nullable String mainClass, List<String> jvmOptions, List<String> args,
                            int maxOpenFiles, boolean runCopy, Duration stopGrace, boolean keepOutput) {
    public ServerCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stopGrace, "stopGrace");
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

    /** A plain {@code java -jar JAR}, named after the jar's file (without {@code .jar}), killed at the end. */
    static ServerCommand plain(Path jar) {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        return new ServerCommand(name, jar, null, List.of(), List.of(), 0, false, Duration.ZERO, false);
    }

    /** Builds a command (the setters are generated); see {@link ServerProcess#builder} for the defaults. */
    @AutoBuilder
    public abstract static class Builder {
        Builder() {}

        /** Set once, by {@link ServerProcess#builder}. */
        abstract Builder jar(Path jar);

        /** Default: the jar's file name without {@code .jar}. */
        public abstract Builder name(String name);

        /** Runs {@code -cp JAR mainClass} instead of {@code -jar JAR}. */
        public abstract Builder mainClass(String mainClass);

        public abstract Builder jvmOptions(List<String> jvmOptions);

        public abstract Builder args(List<String> args);

        public Builder args(String... args) {
            return args(List.of(args));
        }

        /** Runs it under {@code ulimit -n maxOpenFiles} (through bash). */
        public abstract Builder maxOpenFiles(int maxOpenFiles);

        abstract Builder runCopy(boolean runCopy);

        /** Runs a private copy of the jar. */
        public Builder runCopy() {
            return runCopy(true);
        }

        public abstract Builder stopGrace(Duration stopGrace);

        abstract Builder keepOutput(boolean keepOutput);

        /** Keeps the output files after {@link ServerProcess#close()}. */
        public Builder keepOutput() {
            return keepOutput(true);
        }

        public abstract ServerCommand build();

        /** Builds the command and starts it; does not wait for it to listen (see {@link ServerProcess#awaitPort}). */
        public ServerProcess start() throws IOException {
            return ServerProcess.start(build());
        }
    }
}
