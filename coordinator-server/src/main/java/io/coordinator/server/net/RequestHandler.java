package io.coordinator.server.net;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.ZkException;
import io.coordinator.server.request.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes every frame after the handshake as RequestHeader{xid, type} + body and hands it to the sink. A
 * body that cannot be decoded goes to the sink with no body and its error code. An unknown opcode
 * (UNIMPLEMENTED) ends the connection: the pipeline answers it in order and closes, and nothing after it is
 * read. A malformed body of a known opcode (MARSHALLINGERROR) is answered and the connection goes on, as
 * with ZooKeeper 3.9. A frame too short for a header closes the connection.
 */
public final class RequestHandler extends FrameHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    private static final int HEADER_SIZE = 8;

    public RequestHandler(RequestSink sink, NettyClientConnection connection) {
        super(sink, connection);
    }

    @Override
    void frame(ChannelHandlerContext ctx, byte[] frame, long start) {
        if (frame.length < HEADER_SIZE) {
            LOG.info(
                    "Closing connection from {}: {}-byte request is shorter than a request header",
                    ctx.channel().remoteAddress(),
                    frame.length);
            stopReading();
            ctx.close();
            return;
        }
        JuteReader in = new JuteReader(frame);
        int xid = in.readInt();
        int type = in.readInt();
        Requests.Body body = null;
        int code = Code.OK;
        try {
            body = Requests.decode(type, in);
        } catch (ZkException e) {
            code = e.code();
        } catch (RuntimeException e) { // ProtocolException, or anything else a malformed body provokes
            code = Code.MARSHALLINGERROR;
        }
        if (body == null && code != Code.MARSHALLINGERROR) {
            stopReading(); // the pipeline answers this one in order, then closes
            LOG.info(
                    "Request xid {} type {} from {} cannot be decoded (error {}); the connection will close",
                    xid,
                    type,
                    ctx.channel().remoteAddress(),
                    code);
        } else if (body == null) {
            LOG.info(
                    "Request xid {} type {} from {} is malformed; answered with MARSHALLINGERROR",
                    xid,
                    type,
                    ctx.channel().remoteAddress());
        }
        connection.requestReceived(xid, type, start);
        sink.request(connection, xid, type, body, code);
    }
}
