package dev.echo.bench.scale;

import dev.echo.bench.CliValues;
import dev.echo.bench.RepoJars;
import dev.echo.bench.ServerProcess;
import dev.echo.bench.UsageException;
import dev.echo.bench.compare.ServerKind;
import dev.echo.cli.CliOption;
import dev.echo.cli.CommandSpec;
import dev.echo.cli.ParsedArgs;
import dev.echo.cli.ValueType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/echo-load scale}: one server process holds many connections (default 15,000), opened
 * by several load-generator processes (a process may hold at most 20,000 files here), each
 * connection sending one verified echo per second. Reports the server's resident memory and heap
 * per connection, its open files, and the generators' p99.
 */
public final class ScaleMain {
    private ScaleMain() {}

    static final CliOption<String> ROOT = CliOption.value("root", "DIR", ValueType.text(),
            "repository folder holding the built jars").defaultLabel("found from the working directory");
    static final CliOption<Integer> CONNECTIONS = CliOption.value("connections", "N", ValueType.intRange(1, Integer.MAX_VALUE),
            "total connections").defaultValue("15000");
    static final CliOption<Integer> PROCESSES = CliOption.value("processes", "P", ValueType.intRange(1, Integer.MAX_VALUE),
            "load-generator processes sharing them").defaultValue("2");
    static final CliOption<Duration> DURATION = CliOption.value("duration", "D", ValueType.positiveDuration(),
            "measured time, every connection open").defaultValue("30s");
    static final CliOption<Double> PER_CONNECTION_RATE = CliOption.value("per-connection-rate", "R",
            ValueType.numberAtLeast(0.001), "requests per second per connection").defaultValue("1");
    static final CliOption<Double> CONNECT_RATE = CliOption.value("connect-rate", "R", ValueType.numberAtLeast(0.001),
            "new connections per second per process").defaultValue("1000");
    static final CliOption<ServerKind> SERVER = CliOption.value("server", "KIND",
            ValueType.of("virtual, platform or netty", ServerKind::parse), "the server to hold them").defaultValue("virtual");
    static final CliOption<String> SERVER_JVM_OPTS = CliOption.value("server-jvm-opts", "OPTS", ValueType.of("JVM options",
            t -> t), "extra JVM options for the server process, space-separated");

    static final CommandSpec SPEC = CommandSpec.builder("echo-load scale")
            .header("Holds many connections to one server process, each sending one verified echo per second, and"
                    + " reports the server's memory per connection and the p99.")
            .group("Server", ROOT, SERVER, SERVER_JVM_OPTS)
            .group("Load", CONNECTIONS, PROCESSES, PER_CONNECTION_RATE, CONNECT_RATE, DURATION)
            .build();

    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            ParsedArgs cl = CliValues.parse(SPEC, args);
            if (SPEC.printedHelpOrVersion(cl, out)) {
                return 0;
            }
            if (!cl.arguments().isEmpty()) {
                throw new UsageException("unexpected argument '" + cl.arguments().get(0) + "' (try --help)");
            }
            int connections = cl.get(CONNECTIONS);
            int processes = cl.get(PROCESSES);
            Duration duration = cl.get(DURATION);
            double perConnectionRate = cl.get(PER_CONNECTION_RATE);
            double connectRate = cl.get(CONNECT_RATE);
            if (processes > connections) {
                throw new UsageException("invalid --processes '" + processes + "': expected at most --connections ("
                        + connections + ")");
            }
            if ((connections + processes - 1) / processes > 18_000) {
                throw new UsageException((connections + processes - 1) / processes
                        + " connections per process exceed the 20,000 open files a process may hold here:"
                        + " use more --processes");
            }
            ServerKind kind = cl.get(SERVER);
            RepoJars jars = RepoJars.locate(cl.get(ROOT));
            String jvm = cl.get(SERVER_JVM_OPTS, "").trim();
            return scale(jars, kind, jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")), connections, processes,
                    duration, perConnectionRate, connectRate, out);
        } catch (UsageException e) {
            err.println(SPEC.name() + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println(SPEC.name() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("echo-load scale: interrupted");
            return 1;
        }
    }

    private static int scale(RepoJars jars, ServerKind kind, List<String> jvmOptions, int connections, int processes,
                             Duration duration, double perConnectionRate, double connectRate, PrintStream out)
            throws UsageException, IOException, InterruptedException {
        Path benchJar = ServerProcess.privateCopy(jars.benchJar());
        String java = ServerProcess.javaBinary();
        String jcmd = Path.of(java).resolveSibling("jcmd").toString();
        Duration warmup = Duration.ofSeconds(5);
        try (ServerProcess server = ServerProcess.start(kind.label(), kind.jar(jars), kind.mainClass(), jvmOptions,
                kind.args(connections + 1000, connections + 1000), Duration.ofSeconds(30))) {
            long pid = server.pid();
            long baseRss = ProcStatus.rssKib(pid);
            long baseHeap = ProcStatus.heapUsedAfterGcKib(jcmd, pid);
            out.printf(Locale.ROOT, "server %s: pid %d, port %d; idle RSS %d MiB, heap after GC %d MiB%n",
                    kind.label(), pid, server.port(), baseRss / 1024, baseHeap / 1024);

            List<Process> generators = new ArrayList<>();
            List<Path> jsonFiles = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                int share = connections / processes + (i < connections % processes ? 1 : 0);
                Path json = Files.createTempFile("echo-scale-" + i + "-", ".json");
                jsonFiles.add(json);
                List<String> command = List.of(java, "-cp", benchJar.toString(), "dev.echo.bench.LoadMain",
                        "--port", Integer.toString(server.port()), "--connections", Integer.toString(share),
                        "--connect-rate", Double.toString(connectRate), "--rate",
                        Double.toString(share * perConnectionRate), "--warmup", warmup.toMillis() + "ms",
                        "--duration", duration.toMillis() + "ms", "--timeout", "30s", "--json", json.toString());
                Process generator = new ProcessBuilder(command).redirectErrorStream(true).start();
                generators.add(generator);
                String prefix = "  gen" + (i + 1) + " ";
                Thread.ofPlatform().daemon().start(() -> forward(generator, prefix, out));
            }
            // Sample the server's memory as soon as it holds every connection: that is inside the
            // generators' warmup, so the forced full GC of the heap reading does not land in the
            // measured window (and so not in the p99).
            long connectMillis = (long) (((connections + processes - 1) / processes) * 1000 / connectRate);
            long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectMillis + 60_000);
            long peakRss = 0;
            long peakFiles = 0;
            long loadedHeap = -1;
            long loadedRss = -1;
            long loadedFiles = -1;
            while (generators.stream().anyMatch(Process::isAlive)) {
                if (!server.isAlive()) {
                    throw new IOException("the server exited under load; its output is in " + server.log());
                }
                long files = ProcStatus.openFiles(pid);
                peakRss = Math.max(peakRss, ProcStatus.rssKib(pid));
                peakFiles = Math.max(peakFiles, files);
                if (loadedHeap < 0 && (files >= connections || System.nanoTime() >= giveUpAt)) {
                    loadedFiles = files;
                    loadedRss = ProcStatus.rssKib(pid);
                    loadedHeap = ProcStatus.heapUsedAfterGcKib(jcmd, pid);
                    out.printf(Locale.ROOT, "server holds %d open files: RSS %d MiB, heap after GC %d MiB%n",
                            files, loadedRss / 1024, loadedHeap / 1024);
                }
                generators.getLast().waitFor(loadedHeap < 0 ? 200 : 1000, TimeUnit.MILLISECONDS);
            }
            double responses = 0;
            double requests = 0;
            double mismatches = 0;
            double errors = 0;
            double worstP99 = 0;
            double throughput = 0;
            boolean allClean = true;
            for (int i = 0; i < processes; i++) {
                String json = Files.readString(jsonFiles.get(i));
                if (json.isBlank()) {
                    throw new IOException("load generator " + (i + 1) + " wrote no result (exit "
                            + generators.get(i).exitValue() + ")");
                }
                requests += number(json, "requests");
                responses += number(json, "responses");
                mismatches += number(json, "mismatches");
                errors += number(json, "errors");
                throughput += number(json, "throughput_rps");
                worstP99 = Math.max(worstP99, number(json, "p99"));
                allClean &= generators.get(i).exitValue() == 0;
            }
            long connectionsHeld = loadedFiles;
            out.printf(Locale.ROOT, """

                    scale: %d connections to %s over %d load-generator processes, %.1f echo/s each, %d s measured
                      requests %.0f  responses %.0f  mismatches %.0f  errors %.0f  -> %s
                      throughput %.0f req/s  p99 %.1f us (worst of the processes; latency from intended send time)
                      server open files when sampled %d (peak %d)
                      server RSS: idle %d MiB, loaded %d MiB (peak %d MiB) -> %.1f KiB per connection
                      server heap after full GC: idle %.1f MiB, loaded %.1f MiB -> %.2f KiB per connection
                    """, connections, kind.label(), processes, perConnectionRate, duration.toSeconds(), requests,
                    responses, mismatches, errors, allClean ? "every answer verified" : "FAILED",
                    throughput, worstP99, connectionsHeld, peakFiles, baseRss / 1024, loadedRss / 1024,
                    peakRss / 1024, (loadedRss - baseRss) / (double) connections, baseHeap / 1024.0,
                    loadedHeap / 1024.0, (loadedHeap - baseHeap) / (double) connections);
            return allClean ? 0 : 1;
        }
    }

    private static double number(String json, String field) throws IOException {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":\\s*(-?[0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IOException("no " + field + " in the load generator's JSON");
        }
        return Double.parseDouble(m.group(1));
    }

    private static void forward(Process process, String prefix, PrintStream out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(prefix + line);
            }
        } catch (IOException e) {
            out.println(prefix + "(output lost: " + e.getMessage() + ")");
        }
    }
}
