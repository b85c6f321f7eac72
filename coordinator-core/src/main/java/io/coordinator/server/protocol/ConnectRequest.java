package io.coordinator.server.protocol;

/** The first frame of a connection. {@code readOnlyPresent} says whether the client sent the optional byte. */
public record ConnectRequest(
        int protocolVersion,
        long lastZxidSeen,
        int timeOut,
        long sessionId,
        byte[] passwd,
        boolean readOnly,
        boolean readOnlyPresent)
        implements JuteRecord {

    public static ConnectRequest read(JuteReader in) {
        int version = in.readInt();
        long lastZxid = in.readLong();
        int timeout = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        boolean present = in.hasRemaining();
        boolean readOnly = in.readOptionalBool();
        return new ConnectRequest(version, lastZxid, timeout, sessionId, passwd, readOnly, present);
    }

    @Override
    public void write(JuteWriter out) {
        out.writeInt(protocolVersion)
                .writeLong(lastZxidSeen)
                .writeInt(timeOut)
                .writeLong(sessionId)
                .writeBuffer(passwd);
        if (readOnlyPresent) {
            out.writeBool(readOnly);
        }
    }
}
