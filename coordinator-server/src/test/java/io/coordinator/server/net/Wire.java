package io.coordinator.server.net;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.JuteWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/** Builds client-side frames for tests. */
final class Wire {
    private Wire() {}

    static ConnectRequest connectRequest(boolean withReadOnlyByte) {
        return new ConnectRequest(0, 0, 30000, 0, new byte[16], false, withReadOnlyByte);
    }

    /** A length-prefixed frame holding {@code payload}. */
    static byte[] frame(byte[] payload) {
        JuteWriter w = new JuteWriter();
        w.writeInt(payload.length).writeRaw(payload, 0, payload.length);
        return w.toByteArray();
    }

    static byte[] connectFrame() {
        return frame(connectRequest(true).toBytes());
    }

    /** A request frame: RequestHeader{xid, type} + whatever {@code body} writes. */
    static byte[] request(int xid, int type, Consumer<JuteWriter> body) {
        JuteWriter w = new JuteWriter();
        w.writeInt(xid).writeInt(type);
        body.accept(w);
        return frame(w.toByteArray());
    }

    static byte[] concat(byte[]... parts) {
        JuteWriter w = new JuteWriter();
        for (byte[] p : parts) {
            w.writeRaw(p, 0, p.length);
        }
        return w.toByteArray();
    }

    static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return b;
    }
}
