package dev.echo.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clear text: the accepted socket as it is. */
final class PlainTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(PlainTransport.class);

    @Override
    public ConnectionTransport open(Socket socket, long id) {
        return new PlainConnection(socket, id);
    }

    /** One small write to a fresh socket fits its send buffer, so this never blocks the accept loop. */
    @Override
    public void refuse(Socket socket, byte[] answer, Runnable sent) {
        try (socket) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(answer);
            out.flush();
            sent.run(); // before the FIN: a client that saw the end finds its answer counted
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("refused client went away first: {}", e.toString());
        }
    }

    /** Nothing to sweep: a refusal is done before {@link #refuse} returns. */
    @Override
    public void sweep(long nowNanos) {}

    @Override
    public void start(int port) {}

    @Override
    public void stop() {}

    @Override
    public Optional<String> describe() {
        return Optional.empty();
    }

    @Override
    public void bindMetrics(MeterRegistry registry) {}
}
