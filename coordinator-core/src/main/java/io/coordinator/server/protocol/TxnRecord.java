package io.coordinator.server.protocol;

/** A header and its txn: the unit of the log and of replication. */
public record TxnRecord(TxnHeader header, Txn txn) implements JuteRecord {

    public long zxid() {
        return header.zxid();
    }

    @Override
    public void write(JuteWriter out) {
        header.write(out);
        txn.write(out);
    }

    public static TxnRecord read(JuteReader in) {
        TxnHeader h = TxnHeader.read(in);
        return new TxnRecord(h, Txn.read(h.type(), in));
    }
}
