package dev.echo.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A base image made on this machine, for where no registry can be reached: a jlink'ed runtime of the
 * JDK that runs the tests, the shared libraries its binaries link against and the dynamic loader, as
 * a root file system imported with {@code docker import}. Nothing else: no shell, no package manager.
 *
 * <pre>
 *   /opt/java/bin/java ...        the jlink'ed runtime (modules below, with its CDS archive), on PATH
 *   /lib/x86_64-linux-gnu/...     libc, libz, ... exactly what ldd reports
 *   /lib64/ld-linux-x86-64.so.2   the loader
 *   /tmp                          1777, for the JVM's perf data
 * </pre>
 */
final class LocalJreImage {
    /**
     * What the server jar needs ({@code jdeps --print-module-deps} on it: java.base, java.logging,
     * java.management, jdk.unsupported, and jdk.httpserver for --metrics-port), plus jdk.management for
     * the platform MXBeans that jconsole shows.
     */
    static final List<String> MODULES = List.of(
            "java.base", "java.logging", "java.management", "jdk.httpserver", "jdk.management", "jdk.unsupported");

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private LocalJreImage() {}

    /** The image tag for the current JDK; made (once per machine and JDK version) if missing. */
    static String ensure() {
        // "-cds": images made before the runtime had its class-data archive are not reused.
        String tag = "echo-it/local-jre:" + Runtime.version().toString().replaceAll("[^A-Za-z0-9_.-]", "_") + "-cds";
        if (!DockerCli.imageExists(tag)) {
            make(tag);
        }
        return tag;
    }

    private static void make(String tag) {
        Path work = null;
        try {
            work = Files.createTempDirectory("echo-it-jre");
            Path rootfs = work.resolve("rootfs");
            Path runtime = rootfs.resolve("opt/java");
            Files.createDirectories(runtime.getParent());
            Path javaHome = Path.of(System.getProperty("java.home"));
            exec(work, javaHome.resolve("bin/jlink").toString(),
                    "--add-modules", String.join(",", MODULES),
                    "--strip-debug", "--no-man-pages", "--no-header-files",
                    // The default class-data archive that the JDK's own images ship: without it every
                    // JVM start in the container (the server's, each health check's) loads the JDK's
                    // classes from the modules file, about 0.1 s of CPU more each time.
                    "--generate-cds-archive",
                    "--output", runtime.toString());
            for (Path library : sharedLibraries(runtime)) {
                Path target = rootfs.resolve(library.toString().substring(1));
                Files.createDirectories(target.getParent());
                if (!Files.exists(target)) {
                    Files.copy(library, target); // follows symlinks: the file itself under the name asked for
                }
            }
            Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path tar = work.resolve("rootfs.tar");
            exec(work, "tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".");
            DockerCli.command("import",
                            "--change", "ENV PATH=/opt/java/bin:/usr/bin:/bin",
                            "--change", "ENV JAVA_HOME=/opt/java",
                            "-", tag)
                    .withInput(tar).run(STEP_TIMEOUT).orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the local base image " + tag, e);
        } finally {
            if (work != null) {
                deleteQuietly(work);
            }
        }
    }

    /** Every library (and the loader) that ldd reports for the runtime's executables and .so files. */
    private static Set<Path> sharedLibraries(Path runtime) throws IOException {
        List<Path> binaries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(runtime)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".so")
                            || file.getParent().getFileName().toString().equals("bin"))
                    .forEach(binaries::add);
        }
        Set<Path> libraries = new TreeSet<>();
        for (Path binary : binaries) {
            String output = exec(runtime, "ldd", binary.toString());
            for (String line : output.split("\n")) {
                String path = libraryPath(line.trim());
                if (path != null && !path.startsWith(runtime.toString())) {
                    libraries.add(Path.of(path));
                }
            }
        }
        if (libraries.stream().noneMatch(lib -> lib.getFileName().toString().startsWith("ld-linux"))) {
            throw new IllegalStateException("ldd named no dynamic loader for " + binaries + ": " + libraries);
        }
        return libraries;
    }

    /** "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)". */
    private static String libraryPath(String line) {
        int arrow = line.indexOf("=>");
        String rest = arrow >= 0 ? line.substring(arrow + 2).trim() : line;
        if (!rest.startsWith("/")) {
            return null; // linux-vdso.so.1 and "not a dynamic executable"
        }
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private static String exec(Path dir, String... command) {
        Command.Result result = Command.of(command).in(dir).run(STEP_TIMEOUT);
        // ldd exits 1 for files that are not dynamic executables (e.g. a script); that is no error here.
        if (!command[0].equals("ldd")) {
            result.orThrow();
        }
        return result.output();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("echo-it: could not delete " + dir + ": " + e);
        }
    }
}
