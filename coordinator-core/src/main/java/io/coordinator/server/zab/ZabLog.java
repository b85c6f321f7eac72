package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import java.util.List;

/**
 * The local transaction log as the core may read it. Appends only happen through {@link Ready#toAppend()}
 * (and are visible here once the driver has done them, durable or not). The log must hold every record after
 * the zxid of the state machine's snapshot (purge only what a durable snapshot covers).
 */
public interface ZabLog {
    /** The last appended zxid (durable or not); after a snapshot reset, the snapshot's zxid; 0 if empty. */
    long lastZxid();

    /** The oldest zxid still readable (older txns live only in snapshots); 0 if empty. */
    long firstZxid();

    /** Up to {@code max} records with zxid > {@code afterZxid}, in zxid order. */
    List<TxnRecord> read(long afterZxid, int max);
}
