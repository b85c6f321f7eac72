package io.coordinator.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into frames: a 4-byte big-endian length, then that many bytes, emitted as a
 * {@code byte[]}. A negative length, or one above the maximum packet size, closes the connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxPacketSize;
    private final ServerStats stats;
    private boolean failed;

    public FrameDecoder(int maxPacketSize) {
        this(maxPacketSize, new ServerStats());
    }

    public FrameDecoder(int maxPacketSize, ServerStats stats) {
        this.maxPacketSize = maxPacketSize;
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 0 || length > maxPacketSize) {
            failed = true;
            in.skipBytes(in.readableBytes());
            stats.oversizedFrame();
            LOG.warn(
                    "Closing connection from {}: packet length {} is out of range (coordinator.max-packet-size"
                            + " is {})",
                    ctx.channel().remoteAddress(),
                    length,
                    maxPacketSize);
            ctx.close();
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        byte[] frame = new byte[length];
        in.readBytes(frame);
        out.add(frame);
    }
}
