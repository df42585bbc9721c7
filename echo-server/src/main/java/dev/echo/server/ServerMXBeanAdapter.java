package dev.echo.server;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.echo.core.HostPort;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a live server for its {@link EchoServerMXBean}; each getter takes a fresh snapshot. The
 * attributes per request kind and per error code are {@link ServerMBean}'s.
 */
final class ServerMXBeanAdapter implements EchoServerMXBean {
    private static final Logger log = LoggerFactory.getLogger(ServerMXBeanAdapter.class);
    private final EchoServer server;

    ServerMXBeanAdapter(EchoServer server) {
        this.server = server;
    }

    /**
     * Publishes a started server's counters as {@code dev.echo:type=EchoServer,port=PORT,id=INSTANCE};
     * returns the name, or null (with a warning) if the platform MBean server refused.
     */
    static ObjectName register(EchoServer server, long instance) {
        try {
            ObjectName name = new ObjectName("dev.echo:type=EchoServer,port=" + server.port() + ",id=" + instance);
            ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new ServerMBean(server, new ServerMXBeanAdapter(server)), name);
            return name;
        } catch (JMException | RuntimeException e) {
            log.warn("counters of port {} not published over JMX: {}", server.port(), e.toString());
            return null;
        }
    }

    /** Removes what {@link #register} published; nothing for a null name. */
    static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            log.warn("unregistering {} failed: {}", name, e.toString());
        }
    }

    @Override
    public String getAddress() {
        return HostPort.of(server.address());
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
    public long getRequestsAnswered() {
        return server.stats().requestsAnswered();
    }

    @Override
    public long getErrorTotal() {
        return server.stats().errorTotal();
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

    @Override
    public long getTlsHandshakes() {
        return server.tlsStats().map(TlsStats::handshakes).orElse(0L);
    }

    @Override
    public Map<String, Long> getTlsHandshakeFailures() {
        Map<String, Long> byLabel = new TreeMap<>();
        server.tlsStats().ifPresent(tls -> tls.handshakeFailures().forEach((reason, count) -> byLabel.put(reason.label(), count)));
        return byLabel;
    }

    @Override
    public long getTlsReloads() {
        return server.tlsStats().map(TlsStats::reloads).orElse(0L);
    }

    @Override
    public long getTlsReloadsRefused() {
        return server.tlsStats().map(TlsStats::reloadsRefused).orElse(0L);
    }

    @Override
    public long getTlsBadRecords() {
        return server.tlsStats().map(TlsStats::badRecords).orElse(0L);
    }

    @Override
    public long getTlsRefusedUnanswered() {
        return server.tlsStats().map(TlsStats::refusedUnanswered).orElse(0L);
    }

    @Override
    public long getTlsCertificateSecondsLeft() {
        return server.tlsStats().map(tls -> tls.untilExpiry(Instant.now()).toSeconds()).orElse(-1L);
    }
}
