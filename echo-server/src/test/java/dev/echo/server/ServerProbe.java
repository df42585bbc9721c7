package dev.echo.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * What this package's tests may see inside a running server, through EchoServer's package-private
 * seams ({@code registry()}) and what the JVM shows of any server (thread names, MXBeans), so that
 * the server itself carries no method for tests alone.
 */
final class ServerProbe {
    private ServerProbe() {}

    /** Connections holding part of a frame right now; lets tests line up with a connection's progress. */
    static long connectionsReadingFrame(EchoServer server) {
        return server.registry().snapshot().stream().filter(ConnectionHandler::readingFrame).count();
    }

    /** Connections whose server side is shut (FIN sent, input drained) or closed, still registered. */
    static long connectionsClosing(EchoServer server) {
        return server.registry().snapshot().stream().filter(ConnectionHandler::closing).count();
    }

    /** True once close() has begun ending connections. */
    static boolean shutdownBegun(EchoServer server) {
        return server.registry().isShuttingDown();
    }

    /**
     * Every thread the server has running now: its platform threads (echo-accept-PORT,
     * echo-idle-PORT, idle pool workers echo-worker-PORT-N) and the threads serving its connections.
     */
    static List<Thread> threads(EchoServer server) {
        String ownName = "echo-(accept|idle|worker)-" + server.port() + "(-\\d+)?";
        List<Thread> threads = new ArrayList<>(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().matches(ownName)).toList());
        for (ConnectionHandler connection : server.registry().snapshot()) {
            Thread thread = connection.thread();
            if (thread != null && !threads.contains(thread)) {
                threads.add(thread);
            }
        }
        return threads;
    }

    /** The JMX name of the server's counters while it runs, or null. */
    static ObjectName mbeanName(EchoServer server) throws MalformedObjectNameException {
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("dev.echo:type=EchoServer,port=" + server.port() + ",*"), null);
        return names.size() == 1 ? names.iterator().next() : null;
    }
}
