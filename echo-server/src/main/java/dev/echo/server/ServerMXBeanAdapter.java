package dev.echo.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a live server for its {@link EchoServerMXBean}; each getter takes a fresh snapshot. */
final class ServerMXBeanAdapter implements EchoServerMXBean {
    private final EchoServer server;

    ServerMXBeanAdapter(EchoServer server) {
        this.server = server;
    }

    @Override
    public String getAddress() {
        return server.address().getAddress().getHostAddress() + ":" + server.port();
    }

    @Override
    public String getFraming() {
        return server.config().framing().cliName();
    }

    @Override
    public String getThreadMode() {
        return server.config().threadMode().toString();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public long getConnectionsAccepted() {
        return server.stats().connectionsAccepted();
    }

    @Override
    public long getConnectionsActive() {
        return server.stats().connectionsActive();
    }

    @Override
    public long getConnectionsRejected() {
        return server.stats().connectionsRejected();
    }

    @Override
    public long getEchoRequests() {
        return server.stats().echoRequests();
    }

    @Override
    public long getAddRequests() {
        return server.stats().addRequests();
    }

    @Override
    public long getRequestsAnswered() {
        return server.stats().requestsAnswered();
    }

    @Override
    public Map<String, Long> getErrors() {
        Map<String, Long> errors = new LinkedHashMap<>();
        server.stats().errors().forEach((code, count) -> errors.put(code.name(), count));
        return errors;
    }

    @Override
    public long getBytesIn() {
        return server.stats().bytesIn();
    }

    @Override
    public long getBytesOut() {
        return server.stats().bytesOut();
    }

    @Override
    public long getIdleTimeouts() {
        return server.stats().idleTimeouts();
    }

    @Override
    public long getWriteTimeouts() {
        return server.stats().writeTimeouts();
    }

    @Override
    public long getBufferBudgetRefusals() {
        return server.stats().bufferBudgetRefusals();
    }

    @Override
    public long getBufferedBytes() {
        return server.bufferBudget().used();
    }

    @Override
    public long getMaxBufferedBytes() {
        return server.bufferBudget().limit();
    }
}
