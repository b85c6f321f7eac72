package io.coordinator.server.net;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.request.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the first frame of a connection as a ConnectRequest and hands it to the sink, then leaves the
 * pipeline so later frames reach the {@link RequestHandler}. A malformed ConnectRequest closes the
 * connection without a reply, and frames still buffered behind it are dropped (the first fuzz finding: a
 * second, valid ConnectRequest in the same read used to reach the sink after the close).
 */
public final class ConnectRequestHandler extends FrameHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectRequestHandler.class);

    public ConnectRequestHandler(RequestSink sink, NettyClientConnection connection) {
        super(sink, connection);
    }

    @Override
    void frame(ChannelHandlerContext ctx, byte[] frame, long start) {
        ConnectRequest request;
        try {
            request = ConnectRequest.read(new JuteReader(frame));
        } catch (ProtocolException e) {
            LOG.info(
                    "Closing connection from {}: bad ConnectRequest ({})",
                    ctx.channel().remoteAddress(),
                    e.getMessage());
            stopReading();
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        connection.connectReceived(start);
        sink.connect(connection, request);
    }
}
