package dev.echo.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A connected TCP socket as a TLS client's {@code SSLSocket} is layered over it, its input read
 * through a {@link RecordHeaderInputStream}: the JDK takes a layered socket's streams from the socket
 * it is given, and offers a client no other way to put a stream beneath it. Everything else is the
 * TCP socket's; closing either closes both.
 */
final class CheckedInputSocket extends Socket {
    private final Socket tcp;
    private final RecordHeaderInputStream input;

    CheckedInputSocket(Socket tcp) throws IOException {
        this.tcp = tcp;
        this.input = new RecordHeaderInputStream(tcp.getInputStream());
    }

    /** From now on a record header that is not TLS's fails the read. */
    void handshakeComplete() {
        input.handshakeComplete();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (tcp.isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return tcp.getOutputStream();
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        tcp.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return tcp.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tcp.getLocalAddress();
    }

    @Override
    public int getPort() {
        return tcp.getPort();
    }

    @Override
    public int getLocalPort() {
        return tcp.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tcp.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tcp.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null; // its channel would bypass the check
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tcp.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return tcp.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        tcp.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return tcp.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        tcp.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        tcp.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return tcp.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        tcp.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return tcp.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        tcp.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return tcp.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        tcp.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return tcp.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        tcp.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return tcp.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        tcp.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return tcp.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        tcp.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return tcp.getReuseAddress();
    }

    @Override
    public void close() throws IOException {
        tcp.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        tcp.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tcp.shutdownOutput();
    }

    @Override
    public String toString() {
        return tcp.toString();
    }

    @Override
    public boolean isConnected() {
        return tcp.isConnected();
    }

    @Override
    public boolean isBound() {
        return tcp.isBound();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return tcp.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return tcp.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        tcp.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        tcp.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return tcp.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return tcp.supportedOptions();
    }
}
