package io.coordinator.server.net;

import io.coordinator.server.request.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler: tells the sink when a connection that started a handshake goes away, and closes the
 * connection on any error raised while handling it.
 */
public final class DisconnectHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectHandler.class);

    private final RequestSink sink;
    private final NettyClientConnection connection;

    public DisconnectHandler(RequestSink sink, NettyClientConnection connection) {
        this.sink = sink;
        this.connection = connection;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection.handshakeStarted()) {
            sink.disconnected(connection);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn(
                    "Closing connection {} after an unexpected error",
                    ctx.channel().remoteAddress(),
                    cause);
        }
        ctx.close();
    }
}
