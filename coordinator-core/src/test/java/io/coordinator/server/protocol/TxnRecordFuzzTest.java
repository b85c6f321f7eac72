package io.coordinator.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link TxnRecord#read}, the txn decoder shared by the log and replication.
 *
 * <p>Contract: an undecodable record throws {@link ProtocolException}; nothing else escapes; a decoded record
 * re-encodes canonically.
 */
class TxnRecordFuzzTest {

    @FuzzTest
    void read(byte[] bytes) {
        TxnRecord record;
        try {
            record = TxnRecord.read(new JuteReader(bytes));
        } catch (ProtocolException e) {
            return;
        }
        byte[] once = record.toBytes();
        byte[] twice = TxnRecord.read(new JuteReader(once)).toBytes();
        assertThat(twice).isEqualTo(once);
    }
}
