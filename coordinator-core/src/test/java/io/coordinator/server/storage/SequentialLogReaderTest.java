package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.SMALL;
import static io.coordinator.server.storage.StorageTestSupport.flipByte;
import static io.coordinator.server.storage.StorageTestSupport.offsets;
import static io.coordinator.server.storage.StorageTestSupport.range;
import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.records;
import static io.coordinator.server.storage.StorageTestSupport.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequentialLogReaderTest {
    @TempDir
    Path dir;

    private static void append(TxnLog log, long from, long to) throws IOException {
        for (long z = from; z <= to; z++) {
            log.append(rec(z));
        }
    }

    /** A reader that has read records 1-5 of a log holding 1-10. */
    private static SequentialLogReader halfwayThroughTen(TxnLog log) throws IOException {
        append(log, 1, 10);
        SequentialLogReader reader = new SequentialLogReader(log);
        assertThat(zxids(reader.read(0, 5))).isEqualTo(range(1, 5));
        return reader;
    }

    private static List<Long> zxids(List<TxnRecord> records) {
        return records.stream().map(TxnRecord::zxid).toList();
    }

    @Test
    void batchesReadTheWholeLogInOrderAcrossSegments() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL.withMaxSegmentTxns(1000));
                SequentialLogReader reader = new SequentialLogReader(log)) {
            append(log, 1, 3000);
            List<Long> seen = new ArrayList<>();
            long last = 0;
            while (true) {
                List<TxnRecord> batch = reader.read(last, 1024);
                if (batch.isEmpty()) {
                    break;
                }
                seen.addAll(zxids(batch));
                last = batch.get(batch.size() - 1).zxid();
            }
            assertThat(seen).isEqualTo(range(1, 3000));
            assertThat(log.segmentZxids()).hasSizeGreaterThan(1);
        }
    }

    @Test
    void aBatchThatGoesOnWhereTheLastEndedDoesNotReadTheSegmentAgain() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL);
                SequentialLogReader reader = new SequentialLogReader(log)) {
            append(log, 1, 100);
            log.sync();
            assertThat(zxids(reader.read(0, 10))).isEqualTo(range(1, 10));
            // spoil record 1 on disk: only a reader that starts the segment again meets it
            long[] at = offsets(records(log, 0));
            flipByte(segment(dir, 1), at[0] + 8);

            assertThat(zxids(reader.read(10, 50))).isEqualTo(range(11, 60));
            assertThat(zxids(reader.read(60, 100))).isEqualTo(range(61, 100));
            assertThatThrownBy(() -> reader.read(5, 10))
                    .as("a read from elsewhere opens the segment again and finds the damage")
                    .isInstanceOf(CorruptStorageException.class);
        }
    }

    @Test
    void readsWhatWasAppendedAfterItsIteratorWasOpened() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL);
                SequentialLogReader reader = halfwayThroughTen(log)) {
            append(log, 11, 20);
            assertThat(zxids(reader.read(5, 100))).isEqualTo(range(6, 20));
            assertThat(reader.read(20, 100)).isEmpty();
        }
    }

    @Test
    void aTruncationUnderItIsSeen() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL);
                SequentialLogReader reader = halfwayThroughTen(log)) {
            log.truncateAfter(7);
            for (long z = 8; z <= 9; z++) {
                log.append(rec(z, "rewritten " + z));
            }
            List<TxnRecord> rest = reader.read(5, 100);
            assertThat(zxids(rest)).isEqualTo(range(6, 9));
            assertThat(new String(((Txn.SetData) rest.get(2).txn()).data(), StandardCharsets.UTF_8))
                    .isEqualTo("rewritten 8");
        }
    }
}
