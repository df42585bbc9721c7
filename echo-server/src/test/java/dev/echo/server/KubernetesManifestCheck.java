package dev.echo.server;

import dev.echo.cli.CliOption;
import dev.echo.cli.UsageException;
import dev.echo.server.YamlNode.ManifestException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a repository's Kubernetes manifests ({@code deploy/k8s/}, and the load Job in {@code
 * deploy/k8s/load/}) against what they deploy, since no cluster runs here: the server's options
 * are read by the server's own parser ({@link CommandLineOptions}), from the Dockerfile's and the
 * pod's {@code ECHO_*} variables; probes, ports, the stop arithmetic, the security context, the TLS
 * Secret's mount, labels and selectors, the images and the load Job's shares are compared with what
 * they must match. Returns every problem found, each one line naming the object and the field.
 */
final class KubernetesManifestCheck {
    static final String SERVER = "echo-server";
    static final String LOAD_JOB = "echo-load";
    static final String MERGE_JOB = "echo-load-merge";
    static final String HEALTH_PATH = "/healthz";
    /** Beyond the server's own worst case: the JVM's exit after close() and the metrics endpoint's close. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    /** Shorter, and kube-proxy on a busy node may still route new clients to a pod that already stopped. */
    static final int MIN_PRESTOP_SECONDS = 5;
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern SECRET_KEY = Pattern.compile("--from-file=([\\w.\\-]+)=");

    private final Path root;
    private final List<String> problems = new ArrayList<>();
    /** README.md's "Kubernetes" section, which says how to build the images and create the Secrets. */
    private String readmeSection = "";

    private KubernetesManifestCheck(Path root) {
        this.root = root;
    }

    /** The problems of the manifests under {@code root} (a repository's top directory); empty when none. */
    static List<String> problems(Path root) throws IOException {
        KubernetesManifestCheck check = new KubernetesManifestCheck(root);
        check.run();
        return List.copyOf(check.problems);
    }

    private void run() throws IOException {
        Path k8s = root.resolve("deploy/k8s");
        KubernetesManifests manifests = KubernetesManifests.read(k8s, k8s.resolve("load"));
        DockerfileFacts serverImage = DockerfileFacts.read(root.resolve("Dockerfile"));
        DockerfileFacts loadImage = DockerfileFacts.read(k8s.resolve("load/Dockerfile"));
        String readme = Files.readString(root.resolve("README.md"));
        readmeSection = kubernetesSection(readme);

        YamlNode deployment;
        YamlNode service;
        YamlNode container;
        ServerConfig config;
        try {
            deployment = manifests.one("Deployment", SERVER);
            service = manifests.one("Service", SERVER);
            manifests.one("PodDisruptionBudget");
            manifests.one("HorizontalPodAutoscaler");
            manifests.one("Job", LOAD_JOB);
            manifests.one("Job", MERGE_JOB);
            container = container(deployment.at("spec.template.spec"), SERVER);
            config = serverConfig(container, serverImage);
        } catch (ManifestException e) {
            problems.add(e.getMessage());
            return;
        }
        YamlNode podSpec = deployment.at("spec.template.spec");
        check(() -> selectors(manifests, deployment, service));
        check(() -> security(podSpec, container, serverImage));
        check(() -> image(container, serverImage, readme));
        check(() -> resources(container));
        if (config == null) {
            return;
        }
        check(() -> ports(config, container, service, serverImage));
        check(() -> probes(config, container));
        check(() -> stopArithmetic(config, podSpec, container));
        check(() -> tls(config, podSpec, container));
        check(() -> loadJob(manifests, config, service, loadImage, readme));
        check(() -> readme(readme));
    }

    /** Runs one check; a manifest too broken to check is a problem too. */
    private void check(Runnable check) {
        try {
            check.run();
        } catch (ManifestException e) {
            problems.add(e.getMessage());
        }
    }

    private void problem(String text) {
        problems.add(text);
    }

    private static YamlNode container(YamlNode podSpec, String name) {
        List<YamlNode> containers = podSpec.get("containers").items();
        return containers.stream().filter(c -> name.equals(c.get("name").text(""))).findFirst()
                .orElseThrow(() -> new ManifestException(podSpec.path() + ".containers has none named " + name));
    }

    private void selectors(KubernetesManifests manifests, YamlNode deployment, YamlNode service) {
        Map<String, String> podLabels = deployment.at("spec.template.metadata.labels").stringMap();
        if (!KubernetesManifests.selects(deployment.at("spec.selector.matchLabels").stringMap(), podLabels)) {
            problem(deployment.path() + ": spec.selector.matchLabels does not select its own pods " + podLabels);
        }
        if (!KubernetesManifests.selects(service.at("spec.selector").stringMap(), podLabels)) {
            problem(service.path() + ": spec.selector " + service.at("spec.selector").value()
                    + " does not select the echo-server pods " + podLabels);
        }
        YamlNode pdb = manifests.one("PodDisruptionBudget");
        if (!KubernetesManifests.selects(pdb.at("spec.selector.matchLabels").stringMap(), podLabels)) {
            problem(pdb.path() + ": spec.selector.matchLabels " + pdb.at("spec.selector.matchLabels").value()
                    + " does not select the echo-server pods " + podLabels);
        }
        YamlNode hpa = manifests.one("HorizontalPodAutoscaler");
        YamlNode target = hpa.at("spec.scaleTargetRef");
        if (!"Deployment".equals(target.get("kind").text("")) || !SERVER.equals(target.get("name").text(""))
                || !"apps/v1".equals(target.get("apiVersion").text(""))) {
            problem(hpa.path() + ": spec.scaleTargetRef " + target.value() + " is not the Deployment " + SERVER);
        }
        int minReplicas = hpa.at("spec.minReplicas").exists() ? hpa.at("spec.minReplicas").integer() : 1;
        if (pdb.at("spec.minAvailable").exists() && pdb.at("spec.minAvailable").integer() >= minReplicas) {
            problem(pdb.path() + ": minAvailable " + pdb.at("spec.minAvailable").integer() + " is not below the"
                    + " autoscaler's minReplicas " + minReplicas + ": a node drain could never evict a pod");
        }
        for (YamlNode metric : hpa.at("spec.metrics").items()) {
            String resource = metric.at("resource.name").text("");
            YamlNode container = container(deployment.at("spec.template.spec"), SERVER);
            if (!resource.isEmpty() && !container.at("resources.requests").get(resource).exists()) {
                problem(hpa.path() + ": scales on " + resource + " utilization, but the container requests no "
                        + resource + " (utilization is a share of the request)");
            }
        }
    }

    /** The server's configuration as the server itself would read it from the pod; null if it refuses. */
    private ServerConfig serverConfig(YamlNode container, DockerfileFacts image) {
        if (container.get("command").exists()) {
            problem(container.path() + ".command replaces the image's ENTRYPOINT (java -jar echo-server.jar):"
                    + " give options as args or ECHO_* variables");
            return null;
        }
        Set<String> variables = new TreeSet<>();
        for (CliOption<?> option : CommandLineOptions.SPEC.options()) {
            String variable = CommandLineOptions.SPEC.environmentVariable(option);
            if (variable != null) {
                variables.add(variable);
            }
        }
        Map<String, String> environment = new LinkedHashMap<>(image.environment());
        for (YamlNode variable : container.get("env").items()) {
            String name = variable.get("name").text();
            if (!name.startsWith("ECHO_")) {
                continue;
            }
            if (!variables.contains(name)) {
                problem(variable.path() + ": " + name + " is not an echo-server option (the server reads "
                        + String.join(", ", variables) + ")");
                continue;
            }
            if (!variable.get("value").exists()) {
                problem(variable.path() + ": " + name + " has no literal value, so this check cannot read it");
                continue;
            }
            environment.put(name, variable.get("value").text());
        }
        List<String> args = new ArrayList<>();
        for (YamlNode arg : container.get("args").items()) {
            args.add(arg.text());
        }
        try {
            return CommandLineOptions.parse(args.toArray(String[]::new), environment).config();
        } catch (UsageException | IllegalArgumentException e) {
            problem(container.path() + ": echo-server would refuse to start with args " + args + " and "
                    + environment + ": " + e.getMessage());
            return null;
        }
    }

    private void ports(ServerConfig config, YamlNode container, YamlNode service, DockerfileFacts image) {
        if (!isWildcard(config.host())) {
            problem(container.path() + ": the server listens on " + config.host() + " (ECHO_HOST), which the"
                    + " Service cannot reach; 0.0.0.0 = every interface");
        }
        if (!image.exposedPorts().contains(config.port())) {
            problem(container.path() + ": the server's port " + config.port() + " (ECHO_PORT) is not the"
                    + " Dockerfile's EXPOSE " + image.exposedPorts());
        }
        YamlNode echoPort = servicePort(service, "echo");
        int target = containerPort(container, echoPort.get("targetPort"));
        if (target != config.port()) {
            problem(echoPort.path() + ": targetPort " + echoPort.get("targetPort").text() + " is container port "
                    + target + ", but the server listens on " + config.port() + " (ECHO_PORT)");
        }
        for (YamlNode port : service.at("spec.ports").items()) {
            containerPort(container, port.get("targetPort"));
        }
    }

    private void probes(ServerConfig config, YamlNode container) {
        if (config.metricsPort() <= 0) {
            problem(container.path() + ": no fixed metrics port (ECHO_METRICS_PORT), so no /healthz to probe");
            return;
        }
        if (isLoopback(config.metricsHost())) {
            problem(container.path() + ": the metrics endpoint listens on " + config.metricsHost()
                    + " (ECHO_METRICS_HOST), which the kubelet's probes (to the pod's IP) cannot reach");
        }
        for (String kind : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            YamlNode probe = container.get(kind);
            if (!probe.exists()) {
                if (!kind.equals("startupProbe")) {
                    problem(container.path() + ": no " + kind);
                }
                continue;
            }
            YamlNode http = probe.get("httpGet");
            if (!HEALTH_PATH.equals(http.get("path").text(""))) {
                problem(http.path() + ".path is " + http.get("path").text("missing") + ", not " + HEALTH_PATH);
            }
            if (!"HTTP".equals(http.get("scheme").text("HTTP"))) {
                problem(http.path() + ".scheme " + http.get("scheme").text() + ": the metrics endpoint is plain HTTP");
            }
            int port = containerPort(container, http.get("port"));
            if (port != config.metricsPort()) {
                String named = http.get("port").text().equals(Integer.toString(port)) ? "" : " is " + port;
                problem(http.path() + ".port " + http.get("port").text() + named + ", but /healthz is on the"
                        + " metrics port " + config.metricsPort() + " (ECHO_METRICS_PORT)");
            }
        }
    }

    /**
     * Stopping: the preStop sleep (while endpoints are removed), then SIGTERM and up to the grace
     * period plus close()'s worst case; the kubelet's SIGKILL must come after all of it, and the
     * liveness probe must not restart a pod that answers 503 because it is stopping.
     */
    private void stopArithmetic(ServerConfig config, YamlNode podSpec, YamlNode container) {
        YamlNode preStop = container.at("lifecycle.preStop");
        int preStopSeconds;
        if (preStop.get("sleep").exists()) {
            preStopSeconds = preStop.at("sleep.seconds").integer();
        } else if (preStop.at("exec.command").exists()) {
            List<YamlNode> command = preStop.at("exec.command").items();
            String last = command.get(command.size() - 1).text();
            Matcher sleep = Pattern.compile("(?:sleep )?(\\d+)").matcher(last);
            if (command.stream().noneMatch(c -> c.text().contains("sleep")) || !sleep.matches()) {
                problem(preStop.path() + ".exec.command is not a sleep: " + preStop.at("exec.command").value());
                return;
            }
            preStopSeconds = Integer.parseInt(sleep.group(1));
        } else {
            problem(container.path() + ": no lifecycle.preStop sleep: SIGTERM would close the listener while the"
                    + " Service still routes new clients here");
            return;
        }
        if (preStopSeconds < MIN_PRESTOP_SECONDS) {
            problem(preStop.path() + ": a sleep of " + preStopSeconds + " s is shorter than " + MIN_PRESTOP_SECONDS
                    + " s, too short for every node to stop routing here");
        }
        YamlNode grace = podSpec.get("terminationGracePeriodSeconds");
        long terminationSeconds = grace.exists() ? grace.integer() : 30;
        long needed = preStopSeconds + config.shutdownGrace().toSeconds()
                + EchoServer.MAX_CLOSE_AFTER_GRACE.toSeconds() + STOP_MARGIN.toSeconds();
        if (terminationSeconds < needed) {
            problem(grace.path() + " " + terminationSeconds + " < preStop " + preStopSeconds + " s + ECHO_GRACE "
                    + config.shutdownGrace().toSeconds() + " s + close() " + EchoServer.MAX_CLOSE_AFTER_GRACE.toSeconds()
                    + " s + margin " + STOP_MARGIN.toSeconds() + " s = " + needed
                    + " s: the kubelet would SIGKILL a server still draining");
        }
        YamlNode liveness = container.get("livenessProbe");
        if (liveness.exists()) {
            long period = liveness.get("periodSeconds").exists() ? liveness.get("periodSeconds").integer() : 10;
            long failures = liveness.get("failureThreshold").exists() ? liveness.get("failureThreshold").integer() : 3;
            long stopping = config.shutdownGrace().toSeconds() + EchoServer.MAX_CLOSE_AFTER_GRACE.toSeconds();
            if (period * failures <= stopping) {
                problem(liveness.path() + ": gives up after " + period + " x " + failures + " = " + period * failures
                        + " s of 503, but a stopping server answers 503 for up to " + stopping + " s");
            }
        }
    }

    private void tls(ServerConfig config, YamlNode podSpec, YamlNode container) {
        ServerTls tls = config.tls();
        if (tls == null) {
            problem(container.path() + ": the server serves clear text: mount the TLS Secret and set ECHO_TLS_CERT"
                    + " and ECHO_TLS_KEY");
            return;
        }
        if (tls.reloadCheckInterval().isZero()) {
            problem(container.path() + ": ECHO_TLS_RELOAD_INTERVAL 0 never reloads a rotated Secret");
        }
        List<String> files = new ArrayList<>(List.of(tls.certificateChain().toString(), tls.privateKey().toString()));
        if (tls.clientCa() != null) {
            files.add(tls.clientCa().toString());
        }
        for (String file : files) {
            inSecretDirectory(file, podSpec, container);
        }
    }

    /** {@code file} must be in a Secret mounted as a directory: only that mount sees the kubelet's updates. */
    private void inSecretDirectory(String file, YamlNode podSpec, YamlNode container) {
        for (YamlNode mount : container.get("volumeMounts").items()) {
            String mountPath = mount.get("mountPath").text();
            boolean exact = mountPath.equals(file);
            if (!exact && !Path.of(file).startsWith(Path.of(mountPath))) {
                continue;
            }
            if (mount.get("subPath").exists() || mount.get("subPathExpr").exists() || exact) {
                problem(mount.path() + ": " + file + " is mounted with subPath, which never sees a rotated Secret;"
                        + " mount the Secret as a directory");
                return;
            }
            String volume = mount.get("name").text();
            YamlNode source = podSpec.get("volumes").items().stream()
                    .filter(v -> volume.equals(v.get("name").text(""))).findFirst()
                    .orElseThrow(() -> new ManifestException(mount.path() + ": no volume named " + volume));
            if (!source.get("secret").exists()) {
                problem(mount.path() + ": " + file + " is on volume " + volume + ", which is not a Secret");
                return;
            }
            String secret = source.at("secret.secretName").text();
            String key = Path.of(file).getFileName().toString();
            List<Set<String>> commands = secretKeys(secret);
            if (commands.isEmpty()) {
                problem(mount.path() + ": " + file + " is in Secret " + secret + ", which README.md never creates");
            }
            for (Set<String> keys : commands) {
                if (!keys.contains(key)) {
                    problem(mount.path() + ": " + file + " needs key " + key + " in Secret " + secret
                            + ", but README.md creates it with keys " + keys);
                }
            }
            return;
        }
        problem(container.path() + ": " + file + " is on no mounted volume");
    }

    private void security(YamlNode podSpec, YamlNode container, DockerfileFacts image) {
        YamlNode pod = podSpec.get("securityContext");
        YamlNode own = container.get("securityContext");
        YamlNode runAsNonRoot = own.get("runAsNonRoot").exists() ? own.get("runAsNonRoot") : pod.get("runAsNonRoot");
        if (!runAsNonRoot.isTrue()) {
            problem(container.path() + ": runAsNonRoot is not true");
        }
        if (!own.get("readOnlyRootFilesystem").isTrue()) {
            problem(own.path() + ".readOnlyRootFilesystem is not true");
        }
        if (!"false".equals(own.get("allowPrivilegeEscalation").text("missing"))) {
            problem(own.path() + ".allowPrivilegeEscalation is not false");
        }
        if (own.get("privileged").isTrue()) {
            problem(own.path() + ".privileged is true");
        }
        if (own.at("capabilities.drop").items().stream().noneMatch(c -> "ALL".equals(c.text()))) {
            problem(own.path() + ".capabilities.drop does not drop ALL");
        }
        YamlNode runAsUser = own.get("runAsUser").exists() ? own.get("runAsUser") : pod.get("runAsUser");
        if (runAsUser.exists() && !Integer.valueOf(runAsUser.integer()).equals(image.uid())) {
            problem(runAsUser.path() + " " + runAsUser.integer() + " is not the image's USER " + image.uid());
        }
        if (!image.execEntrypoint()) {
            problem("the image's ENTRYPOINT is not in exec form: a shell as PID 1 would not pass SIGTERM on");
        }
    }

    private void image(YamlNode container, DockerfileFacts dockerfile, String readme) {
        String image = container.get("image").text();
        String built = dockerfile.builtAs().contains(":") ? dockerfile.builtAs() : dockerfile.builtAs() + ":latest";
        if (!image.equals(built) && !image.equals(dockerfile.builtAs())) {
            problem(container.path() + ".image " + image + " is not what `docker build -t " + dockerfile.builtAs()
                    + "` builds (" + built + ")");
        }
        String pull = container.get("imagePullPolicy").text("Always (the default for :latest)");
        if (!pull.equals("IfNotPresent") && !pull.equals("Never")) {
            problem(container.path() + ".imagePullPolicy " + pull + ": the image is built locally and in no"
                    + " registry; use IfNotPresent");
        }
        if (!kubernetesSection(readme).contains("docker build -t " + dockerfile.builtAs())) {
            problem("README.md's Kubernetes section does not build the image as `docker build -t "
                    + dockerfile.builtAs() + "`");
        }
    }

    private void resources(YamlNode container) {
        for (String needed : List.of("requests.cpu", "requests.memory", "limits.memory")) {
            if (!container.at("resources." + needed).exists()) {
                problem(container.path() + ".resources." + needed + " is missing");
            }
        }
    }

    /** The Indexed load Job: against the Service, each pod its share, its log named by its index, merged. */
    private void loadJob(KubernetesManifests manifests, ServerConfig server, YamlNode service,
                         DockerfileFacts loadImage, String readme) {
        YamlNode job = manifests.one("Job", LOAD_JOB);
        YamlNode spec = job.get("spec");
        YamlNode podSpec = spec.at("template.spec");
        YamlNode container = container(podSpec, LOAD_JOB);
        check(() -> security(podSpec, container, loadImage));
        check(() -> image(container, loadImage, readme));
        if (!"Indexed".equals(spec.get("completionMode").text(""))) {
            problem(spec.path() + ".completionMode is not Indexed: the pods would have no JOB_COMPLETION_INDEX");
        }
        int completions = spec.get("completions").integer();
        if (!spec.get("parallelism").exists() || spec.get("parallelism").integer() != completions) {
            problem(spec.path() + ".parallelism " + spec.get("parallelism").text("missing") + " is not completions "
                    + completions + ": the generators would not all run at once");
        }
        List<String> args = container.get("args").items().stream().map(YamlNode::text).toList();
        if (args.isEmpty() || !args.get(0).equals("run")) {
            problem(container.path() + ".args do not start with echo-load's run: " + args);
        }
        Map<String, String> options = options(args);
        if (!SERVER.equals(options.get("--host"))) {
            problem(container.path() + ": --host " + options.get("--host") + " is not the Service " + SERVER);
        }
        int servicePort = servicePort(service, "echo").get("port").integer();
        if (!String.valueOf(servicePort).equals(options.get("--port"))) {
            problem(container.path() + ": --port " + options.get("--port") + " is not the Service's echo port "
                    + servicePort);
        }
        Set<String> declared = new LinkedHashSet<>();
        container.get("env").items().forEach(e -> declared.add(e.get("name").text()));
        for (String arg : args) {
            Matcher reference = VARIABLE_REFERENCE.matcher(arg);
            while (reference.find()) {
                if (!declared.contains(reference.group(1))) {
                    problem(container.path() + ": " + arg + " refers to $(" + reference.group(1) + "), not in env:"
                            + " Kubernetes would pass it on literally");
                }
            }
        }
        String index = "$(JOB_COMPLETION_INDEX)";
        String hdrLog = options.getOrDefault("--hdr-log", "");
        for (String option : List.of("--hdr-log", "--tag")) {
            if (!options.getOrDefault(option, "").contains(index)) {
                problem(container.path() + ": " + option + " " + options.get(option) + " does not contain " + index
                        + ": every generator would use the same one");
            }
        }
        share(job, "connections", options, completions);
        share(job, "rate", options, completions);
        if (server.tls() != null && !options.containsKey("--tls-ca") && !args.contains("--tls")) {
            problem(container.path() + ": the server speaks TLS, the generators do not (--tls-ca)");
        }
        if (server.tls() != null && server.tls().clientAuth() == ServerTls.ClientAuth.REQUIRE
                && !options.containsKey("--tls-cert")) {
            problem(container.path() + ": the server requires client certificates; give --tls-cert and --tls-key");
        }
        for (String option : List.of("--tls-ca", "--tls-cert", "--tls-key")) {
            if (options.containsKey(option)) {
                inSecretDirectory(options.get(option), podSpec, container);
            }
        }
        String claim = resultsClaim(podSpec, container, hdrLog, false);
        YamlNode merge = manifests.one("Job", MERGE_JOB);
        YamlNode mergeContainer = container(merge.at("spec.template.spec"), MERGE_JOB);
        check(() -> security(merge.at("spec.template.spec"), mergeContainer, loadImage));
        check(() -> image(mergeContainer, loadImage, readme));
        List<String> expected = new ArrayList<>(List.of("merge"));
        for (int i = 0; i < completions; i++) {
            expected.add(hdrLog.replace(index, Integer.toString(i)));
        }
        List<String> mergeArgs = mergeContainer.get("args").items().stream().map(YamlNode::text).toList();
        if (!mergeArgs.equals(expected)) {
            problem(mergeContainer.path() + ".args " + mergeArgs + " are not the logs the " + completions
                    + " generators write: " + expected);
        }
        String mergeClaim = resultsClaim(merge.at("spec.template.spec"), mergeContainer, hdrLog, true);
        if (claim != null && !claim.equals(mergeClaim)) {
            problem(mergeContainer.path() + ": reads claim " + mergeClaim + ", the generators write to " + claim);
        }
    }

    /** Each pod's --OPTION times the completions must be the Job's echo.dev/total-OPTION annotation. */
    private void share(YamlNode job, String option, Map<String, String> options, int completions) {
        YamlNode total = job.at("metadata.annotations").get("echo.dev/total-" + option);
        String each = options.get("--" + option);
        if (!total.exists() || each == null) {
            problem(job.path() + ": needs --" + option + " and the annotation echo.dev/total-" + option);
            return;
        }
        if (Long.parseLong(each) * completions != Long.parseLong(total.text())) {
            problem(job.path() + ": --" + option + " " + each + " x " + completions + " completions is not the"
                    + " total " + total.text() + " (echo.dev/total-" + option + ")");
        }
    }

    /** The claim of the persistent volume holding {@code file}'s directory, or null (and a problem). */
    private String resultsClaim(YamlNode podSpec, YamlNode container, String file, boolean readOnlyAllowed) {
        for (YamlNode mount : container.get("volumeMounts").items()) {
            if (!Path.of(file).startsWith(Path.of(mount.get("mountPath").text()))) {
                continue;
            }
            if (!readOnlyAllowed && mount.get("readOnly").isTrue()) {
                problem(mount.path() + " is read-only, but " + file + " is written there");
            }
            String volume = mount.get("name").text();
            YamlNode claim = podSpec.get("volumes").items().stream()
                    .filter(v -> volume.equals(v.get("name").text(""))).findFirst()
                    .map(v -> v.at("persistentVolumeClaim.claimName")).orElse(new YamlNode(null, volume));
            if (!claim.exists()) {
                problem(mount.path() + ": " + file + " is on volume " + volume + ", not a persistent volume claim:"
                        + " the log would end with its pod");
                return null;
            }
            return claim.text();
        }
        problem(container.path() + ": " + file + " is on no mounted volume");
        return null;
    }

    private void readme(String readme) {
        String section = kubernetesSection(readme);
        for (String step : List.of("kubectl apply -f deploy/k8s/", "deploy/k8s/load/echo-load-job.yaml",
                "deploy/k8s/load/echo-load-merge.yaml", "echo-load merge", "bin/echo-certs certs --name " + SERVER)) {
            if (!section.contains(step)) {
                problem("README.md's Kubernetes section does not say `" + step + "`");
            }
        }
    }

    /**
     * The keys each of README's {@code kubectl create secret generic NAME --from-file=KEY=FILE ...}
     * commands (creating it, rotating it) gives Secret NAME.
     */
    private List<Set<String>> secretKeys(String secretName) {
        Pattern create = Pattern.compile("kubectl create secret generic " + Pattern.quote(secretName) + "\\s");
        List<Set<String>> commands = new ArrayList<>();
        for (String command : readmeSection.replace("\\\n", " ").split("\n")) {
            if (create.matcher(command).find()) {
                Set<String> keys = new TreeSet<>();
                Matcher key = SECRET_KEY.matcher(command);
                while (key.find()) {
                    keys.add(key.group(1));
                }
                commands.add(keys);
            }
        }
        return commands;
    }

    private static String kubernetesSection(String readme) {
        int start = readme.indexOf("\n## Kubernetes\n");
        if (start < 0) {
            return "";
        }
        int end = readme.indexOf("\n## ", start + 1);
        return end < 0 ? readme.substring(start) : readme.substring(start, end);
    }

    /** {@code --name value} pairs of an argument list. */
    private static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).startsWith("--") && !args.get(i + 1).startsWith("--")) {
                options.put(args.get(i), args.get(i + 1));
            }
        }
        return options;
    }

    private static YamlNode servicePort(YamlNode service, String name) {
        return service.at("spec.ports").items().stream().filter(p -> name.equals(p.get("name").text("")))
                .findFirst().orElseThrow(() -> new ManifestException(service.path() + " has no port named " + name));
    }

    /** The container port a probe's or Service's port (a number or a port name) means. */
    private static int containerPort(YamlNode container, YamlNode port) {
        String text = port.text();
        if (text.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(text);
        }
        for (YamlNode declared : container.get("ports").items()) {
            if (text.equals(declared.get("name").text("")) || text.equals(declared.get("containerPort").text())) {
                return declared.get("containerPort").integer();
            }
        }
        throw new ManifestException(port.path() + " " + text + " is no port of " + container.path());
    }

    private static boolean isWildcard(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
