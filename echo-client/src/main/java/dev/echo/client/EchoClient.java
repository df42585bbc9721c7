package dev.echo.client;

import dev.echo.core.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A client for echo servers, meant to be made once and shared by every thread of an application.
 *
 * <pre>{@code
 * try (EchoClient client = EchoClient.connect(ClientConfig.builder().addresses("10.0.0.1:8080", "10.0.0.2:8080")
 *         .requestTimeout(Duration.ofSeconds(2)).build())) {
 *     String text = client.echo("Hello, World!");                // blocking, from any thread
 *     CompletableFuture<Integer> sum = client.addAsync(10, 20);  // or not
 * }
 * }</pre>
 *
 * <p><b>Thread-safe and pipelined.</b> Any number of threads call at once; requests share one
 * connection per address, written back to back without waiting for answers, and the answers (which
 * the server sends in request order) are matched to their requests in order. Futures are completed
 * on the client's own threads (a connection's reader; a thread of its own for a deadline) and never
 * while a lock of the client is held; a dependent stage that blocks on a reader holds up that
 * connection's answers, so use the {@code ...Async} stage methods for slow work.
 *
 * <p><b>Bounded.</b> At most {@link ClientConfig#maxInFlight()} requests are outstanding; a call past
 * that waits (the async ones too: that is the back-pressure) until there is room or its deadline. A
 * call also waits in its write while the server takes no bytes (the async ones too).
 *
 * <p><b>Deadlines.</b> Every request has one, {@link ClientConfig#requestTimeout()} from the call,
 * which covers waiting for room, for a connection and every retry. Past it the call fails with a
 * {@link RequestTimeoutException} that says whether the request was ever written. A late answer is
 * read and dropped, never given to another request. A connection on which nothing was answered for a
 * whole request timeout (a peer that vanished without a reset) is closed and replaced.
 *
 * <p><b>Reconnects and retries.</b> A connection that ends is opened again, with exponential backoff
 * and jitter; after a server refused the client with a TLS alert, only when calls are made, at the same
 * pace. A request that was not written, was answered {@code SHUTTING_DOWN}, or whose connection
 * ended before its answer is sent again (echo and add are idempotent) on a usable connection, within
 * its deadline, {@link ClientConfig#maxAttempts()} and a per-client {@link ClientConfig#retryBudget()}
 * (a request's first resend after a lost connection takes none of it): a server restart costs
 * latency, not errors, however many requests it cut. Other error answers are never retried. Turn retries off
 * with {@link ClientConfig.Builder#noRetries()}.
 *
 * <p><b>Several addresses.</b> Requests are spread round robin over the addresses with a usable
 * connection ({@link ClientConfig#addresses()}; each name resolved once, at connect, to all its
 * addresses); one that refuses connections or is shutting down gets nothing until it is back.
 *
 * <p><b>Failures</b> are {@link EchoClientException}s: {@link ServerErrorException} (the server's
 * error answer), {@link RequestTimeoutException}, {@link ConnectionLostException} (no retry left),
 * {@link BadAnswerException} (the server broke the protocol), {@link ClientClosedException}. The
 * blocking methods throw them; the async ones complete their future with them.
 */
public final class EchoClient implements AutoCloseable {
    private final ClientConfig config;
    private final Dispatcher dispatcher;

    private EchoClient(ClientConfig config, Dispatcher dispatcher) {
        this.config = config;
        this.dispatcher = dispatcher;
    }

    /**
     * Resolves every address ({@link InetAddress#getAllByName}) and connects to each once, in
     * parallel. Returns once at least one is connected; the others keep trying in the background.
     *
     * @throws ConnectionLostException if no address could be connected: {@code cannot connect to
     *     127.0.0.1:8080 (connection refused)}, or a name could not be resolved
     */
    public static EchoClient connect(ClientConfig config) {
        Objects.requireNonNull(config, "config");
        Dispatcher dispatcher = new Dispatcher(config);
        List<Address> addresses = new ArrayList<>();
        for (String text : config.endpoints()) {
            Endpoint endpoint = Endpoint.parse(text);
            InetAddress[] resolved;
            try {
                resolved = InetAddress.getAllByName(endpoint.host());
            } catch (UnknownHostException e) {
                dispatcher.close();
                throw new ConnectionLostException("cannot connect to " + endpoint + ": unknown host", e);
            }
            for (InetAddress address : resolved) {
                addresses.add(new Address(dispatcher, endpoint.host(), new InetSocketAddress(address, endpoint.port())));
            }
        }
        dispatcher.addresses(addresses);
        boolean any;
        try {
            any = new FirstConnection(addresses).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dispatcher.close();
            throw new EchoClientException("interrupted while connecting to " + config.endpoints());
        }
        if (!any) {
            String why = dispatcher.describeAddresses();
            dispatcher.close();
            throw new ConnectionLostException("cannot connect to " + why);
        }
        return new EchoClient(config, dispatcher);
    }

    /**
     * Connects to {@code host:port} with every other setting at its {@link ClientConfig} default.
     *
     * @throws ConnectionLostException as {@link #connect(ClientConfig)}
     */
    public static EchoClient connect(String host, int port) {
        return connect(ClientConfig.builder().host(host).port(port).build());
    }

    /**
     * Sends {@code text} and returns the server's echo of it. Blocks for at most the request timeout
     * (plus the time to give a late failure to this thread). Safe from any thread.
     *
     * @throws ServerErrorException if the server answers with an error
     * @throws RequestTimeoutException if the deadline passed
     * @throws ConnectionLostException if the connection ended and no retry was left
     * @throws BadAnswerException if the server broke the protocol
     * @throws ClientClosedException if the client is closed
     * @throws EchoClientException if interrupted while waiting (the interrupt status is set again)
     */
    public String echo(String text) {
        return await(dispatcher.submit(EchoTexts.sendable(text), 0, 0, AnswerKind.ECHO));
    }

    /**
     * Returns {@code a + b} as the server computes it. Blocking, like {@link #echo}; the same
     * exceptions, and {@link ServerErrorException} with {@code ADD_OVERFLOW} if the sum does not fit
     * an int32.
     */
    public int add(int a, int b) {
        return await(dispatcher.submit(null, a, b, AnswerKind.ADD));
    }

    /**
     * Sends {@code text}; the future completes with the echo or one of the exceptions of {@link
     * #echo}. Waits while {@link ClientConfig#maxInFlight()} requests are outstanding, and while the
     * request's bytes do not fit the connection (a server that takes no bytes: its connection is
     * replaced once nothing was answered on it for a request timeout, which ends the wait; a server
     * that still answers now and then but takes bytes slowly can hold it longer, past the request's
     * deadline, by which its future has failed all the same).
     *
     * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate (it has no UTF-8 form)
     */
    public CompletableFuture<String> echoAsync(String text) {
        return dispatcher.submit(EchoTexts.sendable(text), 0, 0, AnswerKind.ECHO);
    }

    /**
     * Sends {@code a + b}; the future completes with the sum or one of the exceptions of {@link #add}.
     * Waits as {@link #echoAsync} does.
     */
    public CompletableFuture<Integer> addAsync(int a, int b) {
        return dispatcher.submit(null, a, b, AnswerKind.ADD);
    }

    private <T> T await(Request<T> request) {
        try {
            return dispatcher.await(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EchoClientException("interrupted while waiting for an answer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EchoClientException failure) {
                throw failure;
            }
            throw new EchoClientException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** The counters and latency percentiles so far. Safe from any thread. */
    public ClientStats stats() {
        return dispatcher.stats();
    }

    /** The configuration this client was made with. */
    public ClientConfig config() {
        return config;
    }

    /**
     * Why the client last closed a connection because the server broke the protocol (counted in
     * {@link ClientStats#protocolErrors()}), or empty if it never did. A call that got such an answer
     * failed with {@link BadAnswerException}; but an answer to no request (a server that answered
     * twice, read while nothing was waiting) fails no call, and the calls after it succeed on a new
     * connection: this is how a caller learns the server misbehaved. Safe from any thread.
     */
    public Optional<String> lastProtocolError() {
        return Optional.ofNullable(dispatcher.lastProtocolError());
    }

    /** Each resolved address and its state: {@code 127.0.0.1:8080 (connected), 127.0.0.1:8081 (connection refused)}. */
    public String describeConnections() {
        return dispatcher.describeAddresses();
    }

    /** True once {@link #close()} began. */
    public boolean isClosed() {
        return dispatcher.closing();
    }

    /**
     * Refuses new calls ({@link ClientClosedException}), lets outstanding ones finish for up to {@link
     * ClientConfig#closeTimeout()}, then fails the rest with {@link ClientClosedException} and closes
     * every connection. Idempotent in effect; never throws. When it returns, every future the client
     * returned is complete and the dependent stages its threads ran on completing them have returned,
     * unless one outlasted that wait (the close timeout and a second more); one that calls close() is
     * not waited for. An interrupt ends the wait for outstanding calls (they fail at once), not that
     * second; the thread's interrupt status is kept.
     */
    @Override
    public void close() {
        dispatcher.close();
    }

    @Override
    public String toString() {
        return "EchoClient[" + String.join(", ", config.endpoints()) + ", " + config.framing().cliName()
                + (isClosed() ? ", closed" : "") + "]";
    }


    /** For tests: see {@link Dispatcher#waitingForConnection()}. */
    int waitingForConnection() {
        return dispatcher.waitingForConnection();
    }
}
