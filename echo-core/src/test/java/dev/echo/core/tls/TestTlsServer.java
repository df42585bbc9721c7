package dev.echo.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server on 127.0.0.1:0 for ClientTlsTest: each connection on its own virtual thread, handled by a
 * {@link Behaviour} (a JDK TLS server that echoes bytes, or a plain server that misbehaves). Remembers
 * what its handshakes saw.
 */
final class TestTlsServer implements AutoCloseable {
    interface Behaviour {
        void serve(Socket socket, TestTlsServer server) throws Exception;
    }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final Thread acceptor;
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<List<SNIServerName>> serverNames = new CopyOnWriteArrayList<>();

    private TestTlsServer(ServerSocket listener, Behaviour behaviour) {
        this.listener = listener;
        this.behaviour = behaviour;
        this.acceptor = Thread.ofVirtual().name("test-tls-accept").start(this::acceptLoop);
    }

    /** A JDK TLS server with {@code chain}/{@code key}; {@code clientCa} non-null = client certificates required. */
    static TestTlsServer tls(Path chain, Path key, Path clientCa, String... protocols) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(PemFiles.keyStore(chain, key), new char[0]);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(clientCa == null ? (KeyStore) null : PemFiles.trustStore(clientCa));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(clientCa != null);
        if (protocols.length > 0) {
            listener.setEnabledProtocols(protocols);
        }
        return new TestTlsServer(listener, TestTlsServer::echoOverTls);
    }

    /** A plain TCP server doing {@code behaviour} with each connection. */
    static TestTlsServer plain(Behaviour behaviour) throws IOException {
        return new TestTlsServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), behaviour);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> {
                    try (socket) {
                        behaviour.serve(socket, this);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void echoOverTls(Socket socket, TestTlsServer server) throws IOException {
        SSLSocket tls = (SSLSocket) socket;
        tls.setSoTimeout(10_000);
        tls.startHandshake();
        server.serverNames.add(((ExtendedSSLSession) tls.getSession()).getRequestedServerNames());
        InputStream in = tls.getInputStream();
        OutputStream out = tls.getOutputStream();
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(10_000);
    }
}
