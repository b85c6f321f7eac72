package io.coordinator.server.protocol;

/**
 * Header of a transaction as logged and replicated: the session that caused it (clientId), that session's
 * xid (cxid), the zxid, the wall time chosen when it was prepared, and the txn type (an opcode).
 */
public record TxnHeader(long clientId, int cxid, long zxid, long time, int type) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeLong(clientId).writeInt(cxid).writeLong(zxid).writeLong(time).writeInt(type);
    }

    public static TxnHeader read(JuteReader in) {
        return new TxnHeader(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt());
    }
}
