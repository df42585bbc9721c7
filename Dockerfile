# The image a user deploys: the packaged echo server on a Java >= 21 runtime.
#
#   ./mvnw -pl echo-server -am package -DskipTests     # builds echo-server/target/echo-server.jar
#   docker build -t echo-server .
#   docker run --rm -p 8080:8080 echo-server            # or: --network host echo-server --port 9000
#   docker run --rm -p 9000:9000 -e ECHO_PORT=9000 -e ECHO_MAX_CONNECTIONS=50000 echo-server
#
# Every server option may come from its ECHO_* variable (see echo-server --help); an argument wins.
# BASE_IMAGE: any image whose PATH has a `java` >= 21. The integration suite builds this same file on a
# jlink'ed runtime of its own when no registry can be reached.
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}

COPY echo-server/target/echo-server.jar /opt/echo/echo-server.jar

# The server needs no privilege: run it as an unprivileged uid (8080 is not a privileged port).
USER 65532:65532
EXPOSE 8080

# Inside a container the server must listen on every interface to be reachable through -p. A variable,
# not an argument: `docker run IMAGE --port 9000` replaces the arguments and keeps this.
ENV ECHO_HOST=0.0.0.0 \
    ECHO_PORT=8080

# One echo round trip to this container's server, from the server jar (no curl or nc in the image). It
# reads the port as the server did (PID 1's arguments, then ECHO_PORT); a small JVM, started now and then.
# The check bounds its own connect, handshake and read (10 s each) and says why it failed; Docker's
# timeout kills a check still running after 20 s. A JVM start plus a TLS handshake costs ~0.8 s of CPU,
# which on a host with every core busy has taken longer than 5 s: a busy host, not a dead server.
HEALTHCHECK --interval=5s --timeout=20s --start-period=60s --retries=3 \
    CMD ["java", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "/opt/echo/echo-server.jar", "dev.echo.server.HealthCheck"]

# The server is the only process in the container, so its heap may take most of the memory limit;
# if it still runs out, exit (and let the orchestrator restart it) rather than limp on.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/echo/echo-server.jar"]
