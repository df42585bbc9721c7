package dev.echo.bench.netty;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.echo.core.FrameFailure;
import dev.echo.core.Framing;
import dev.echo.core.Messages;
import dev.echo.core.RequestHandler;
import dev.echo.core.proto.ClientMessage;
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
 * Answers each decoded request with {@link RequestHandler#handle}, and each failure as {@link
 * FrameFailure} says, the same rules as echo-server: a body that is not a valid message gets
 * MALFORMED_MESSAGE and the connection goes on; a frame over the maximum gets FRAME_TOO_LARGE and
 * the connection is closed, as does a corrupt length prefix (MALFORMED_MESSAGE). Answers are
 * written without flushing and flushed once per read batch, as Netty's examples do.
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
            answer(ctx, FrameFailure.TOO_LARGE, String.valueOf(cause.getMessage()));
        } else if (cause instanceof CorruptedFrameException) {
            answer(ctx, FrameFailure.MALFORMED, String.valueOf(cause.getMessage()));
        } else if (cause instanceof DecoderException) {
            Throwable why = cause.getCause() != null ? cause.getCause() : cause;
            answer(ctx, FrameFailure.unparsable(Framing.DELIMITED), "not a valid ClientMessage: "
                    + (why instanceof InvalidProtocolBufferException bad ? Messages.unparsable(bad) : why.getMessage()));
        } else if (cause instanceof IOException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            log.warn("closing {} after an unexpected failure", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    private static void answer(ChannelHandlerContext ctx, FrameFailure failure, String detail) {
        if (failure.closesConnection()) {
            ctx.writeAndFlush(failure.answer(detail)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(failure.answer(detail), ctx.voidPromise());
        }
    }
}
