package dev.echo.bench.netty;

import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
import dev.echo.core.proto.ErrorResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each decoded request with {@link RequestHandler#handle}, the same rules as echo-server. A
 * body that is not a valid message gets MALFORMED_MESSAGE and the connection goes on; a frame over
 * the maximum gets FRAME_TOO_LARGE and the connection is closed, as is a corrupt length prefix.
 * Answers are written without flushing and flushed once per read batch, as Netty's examples do.
 */
final class EchoServerHandler extends SimpleChannelInboundHandler<ClientMessage> {
    private static final Logger log = LoggerFactory.getLogger(EchoServerHandler.class);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClientMessage request) {
        ctx.write(RequestHandler.handle(request), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush(RequestHandler.error(ErrorResponse.Code.FRAME_TOO_LARGE, String.valueOf(cause.getMessage())))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof CorruptedFrameException) {
            // The length prefix itself is bad: the stream cannot be resynchronised.
            ctx.writeAndFlush(RequestHandler.error(ErrorResponse.Code.MALFORMED_MESSAGE, String.valueOf(cause.getMessage())))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof DecoderException) {
            // One frame's body did not parse; the framing is intact, so the connection goes on.
            Throwable why = cause.getCause() != null ? cause.getCause() : cause;
            ctx.writeAndFlush(RequestHandler.error(ErrorResponse.Code.MALFORMED_MESSAGE,
                    "not a valid ClientMessage: " + why.getMessage()), ctx.voidPromise());
        } else if (cause instanceof IOException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            log.warn("closing {} after an unexpected failure", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
