package io.coordinator.server.net;

import io.coordinator.server.request.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts each frame of a connection and hands it to {@link #frame}, which decodes it for the {@link #sink}; once a
 * frame has ended the connection ({@link #stopReading}), frames still buffered behind it in the same read are
 * dropped.
 */
abstract class FrameHandler extends ChannelInboundHandlerAdapter {
    protected final RequestSink sink;
    protected final NettyClientConnection connection;
    private boolean stopped;

    FrameHandler(RequestSink sink, NettyClientConnection connection) {
        this.sink = sink;
        this.connection = connection;
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[] frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (stopped) {
            return;
        }
        long start = System.nanoTime();
        connection.frameReceived();
        frame(ctx, frame, start);
    }

    /** One frame, received at {@code start} (System.nanoTime). */
    abstract void frame(ChannelHandlerContext ctx, byte[] frame, long start);

    /** Reads nothing more from this connection, including what is already buffered. */
    final void stopReading() {
        stopped = true;
        connection.stopReading();
    }
}
