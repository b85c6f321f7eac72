package io.coordinator.server.protocol;

/** Header of every reply after the handshake. */
public record ReplyHeader(int xid, long zxid, int err) implements JuteRecord {
    public static final int NOTIFICATION_XID = -1;
    public static final int PING_XID = -2;
    public static final int AUTH_XID = -4;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(xid).writeLong(zxid).writeInt(err);
    }

    public static ReplyHeader read(JuteReader in) {
        return new ReplyHeader(in.readInt(), in.readLong(), in.readInt());
    }
}
