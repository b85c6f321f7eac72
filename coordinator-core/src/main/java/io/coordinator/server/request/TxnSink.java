package io.coordinator.server.request;

import io.coordinator.server.protocol.TxnRecord;

/**
 * Where prepared txns go to become durable: the local log of a standalone server, or the ensemble driver of a
 * leader, which proposes them and reports them committed.
 * {@code onDurable} runs once the txn may be applied, in the order txns were appended.
 */
public interface TxnSink {
    void append(TxnRecord record, Runnable onDurable);
}
