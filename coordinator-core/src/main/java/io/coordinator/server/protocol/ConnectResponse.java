package io.coordinator.server.protocol;

/** The answer to a ConnectRequest. timeOut <= 0 tells the client its session expired. */
public record ConnectResponse(
        int protocolVersion, int timeOut, long sessionId, byte[] passwd, boolean readOnly, boolean readOnlyPresent)
        implements JuteRecord {

    public static ConnectResponse expired(boolean readOnlyPresent) {
        return new ConnectResponse(0, 0, 0, new byte[16], false, readOnlyPresent);
    }

    @Override
    public void write(JuteWriter out) {
        out.writeInt(protocolVersion).writeInt(timeOut).writeLong(sessionId).writeBuffer(passwd);
        if (readOnlyPresent) {
            out.writeBool(readOnly);
        }
    }
}
