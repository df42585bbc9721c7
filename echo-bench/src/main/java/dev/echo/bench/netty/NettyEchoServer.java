package dev.echo.bench.netty;

import dev.echo.core.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Netty 4.2 peer: the same protocol (delimited framing) and the same answers as echo-server,
 * written the way Netty's own protobuf examples are. It is the reference in the comparison.
 *
 * <pre>
 * bytes in  -> ProtobufVarint32FrameDecoder(max) -> RequestDecoder (RequestHandler.requestParser)
 *           -> EchoServerHandler (RequestHandler.handle)
 * bytes out <- ProtobufVarint32LengthFieldPrepender <- ProtobufEncoder
 * </pre>
 *
 * <p>Uses the native epoll transport where it loads, NIO otherwise. Not restartable: {@link
 * #start()} once, {@link #close()} once.
 */
public final class NettyEchoServer implements AutoCloseable {
    private final String host;
    private final int port;
    private final int maxFrameBytes;
    private final int workerThreads;
    private final boolean epoll;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private SslContext tls;

    /**
     * @param host address to bind, e.g. 127.0.0.1
     * @param port 0 to 65535; 0 picks a free port
     * @param maxFrameBytes largest accepted frame, at least 1
     * @param workerThreads event loops serving connections, at least 1; 0 means Netty's default (2 x cores)
     * @throws IllegalArgumentException naming the bad value
     */
    public NettyEchoServer(String host, int port, int maxFrameBytes, int workerThreads) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be a positive integer: " + maxFrameBytes);
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("workerThreads must be 0 (default) or more: " + workerThreads);
        }
        this.host = host;
        this.port = port;
        this.maxFrameBytes = maxFrameBytes;
        this.workerThreads = workerThreads;
        this.epoll = Epoll.isAvailable();
    }

    /**
     * Serves TLS only, with {@code context} ({@link NettyTls#serverContext}): an {@code SslHandler}
     * first in every connection's pipeline. Call before {@link #start()}; null = clear text.
     */
    public NettyEchoServer tls(SslContext context) {
        if (serverChannel != null) {
            throw new IllegalStateException("tls(...) must come before start()");
        }
        this.tls = context;
        return this;
    }

    /** {@code jdk} or {@code openssl}: the TLS implementation serving, or null for clear text. */
    public String tlsProvider() {
        return tls == null ? null : tls instanceof io.netty.handler.ssl.JdkSslContext ? "jdk" : "openssl";
    }

    /** Binds and starts serving; returns once the port is bound. */
    public NettyEchoServer start() throws IOException {
        if (serverChannel != null) {
            return this;
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = workerThreads == 0
                ? new MultiThreadIoEventLoopGroup(io)
                : new MultiThreadIoEventLoopGroup(workerThreads, io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        if (tls != null) {
                            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        pipeline.addLast("frameDecoder", new ProtobufVarint32FrameDecoder(maxFrameBytes));
                        pipeline.addLast("protobufDecoder", new RequestDecoder());
                        pipeline.addLast("frameEncoder", new ProtobufVarint32LengthFieldPrepender());
                        pipeline.addLast("protobufEncoder", new ProtobufEncoder());
                        pipeline.addLast("handler", new EchoServerHandler());
                    }
                });
        try {
            serverChannel = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException("cannot listen on " + HostPort.of(host, port) + ": " + bindReason(e), e);
        }
        return this;
    }

    /**
     * Why a bind failed, as echo-server says it ("address already in use"): the epoll transport's text
     * leads with its system call, "bind(..) failed with error(-98): Address already in use".
     */
    static String bindReason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int detail = message.lastIndexOf(": ");
        return (message.startsWith("bind(") && detail >= 0 ? message.substring(detail + 2) : message)
                .toLowerCase(Locale.ROOT);
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The address it listens on. */
    public String host() {
        return host;
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return epoll ? "epoll" : "nio";
    }

    /** Closes the listening socket, then every connection; waits up to a few seconds. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Netty's ProtobufDecoder, but with the parser every server reads requests with, which skips
     * unknown fields instead of keeping them (a frame full of them costs no memory). A body that
     * does not parse reaches the handler as a {@link io.netty.handler.codec.DecoderException}.
     */
    private static final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws IOException {
            int length = frame.readableBytes();
            if (frame.hasArray()) {
                out.add(RequestHandler.requestParser().parseFrom(frame.array(), frame.arrayOffset() + frame.readerIndex(), length));
            } else {
                out.add(RequestHandler.requestParser().parseFrom(ByteBufUtil.getBytes(frame, frame.readerIndex(), length, false)));
            }
        }
    }
}
