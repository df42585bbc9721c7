# The image a user deploys: the packaged echo server on a Java >= 21 runtime.
#
#   ./mvnw -pl echo-server -am package -DskipTests     # builds echo-server/target/echo-server.jar
#   docker build -t echo-server .
#   docker run --rm -p 8080:8080 echo-server            # or: --network host echo-server --port 9000
#
# BASE_IMAGE: any image whose PATH has a `java` >= 21. The integration suite builds this same file on a
# jlink'ed runtime of its own when no registry can be reached.
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}

COPY echo-server/target/echo-server.jar /opt/echo/echo-server.jar

# The server needs no privilege: run it as an unprivileged uid (8080 is not a privileged port).
USER 65532:65532
EXPOSE 8080

# The server is the only process in the container, so its heap may take most of the memory limit;
# if it still runs out, exit (and let the orchestrator restart it) rather than limp on.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/echo/echo-server.jar"]
# Inside a container the server must listen on every interface to be reachable through -p.
CMD ["--host", "0.0.0.0", "--port", "8080"]
