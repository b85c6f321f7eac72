package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentRecordsTest {
    private static TxnRecord rec(long zxid) {
        return new TxnRecord(new TxnHeader(1, 1, zxid, 0, OpCode.DELETE), new Txn.Delete("/n" + zxid));
    }

    private static RecentRecords holding(int capacity, long... zxids) {
        RecentRecords recent = new RecentRecords(capacity, () -> Long.MAX_VALUE); // all applied
        for (long z : zxids) {
            recent.appended(rec(z));
        }
        return recent;
    }

    private static List<Long> zxids(List<TxnRecord> records) {
        return records == null ? null : records.stream().map(TxnRecord::zxid).toList();
    }

    @Test
    void readsFromMemoryOnlyWhatItHoldsContiguously() {
        RecentRecords recent = holding(3, 1, 2, 3, 4, 5); // keeps 3, 4, 5
        assertThat(zxids(recent.read(3, 10))).containsExactly(4L, 5L);
        assertThat(zxids(recent.read(4, 1))).containsExactly(5L);
        assertThat(zxids(recent.read(5, 10))).isEmpty();
        assertThat(recent.read(2, 10))
                .as("record 3 was evicted with its predecessors: read the log")
                .isNull();
        assertThat(new RecentRecords(3, () -> 0).read(0, 10)).isNull();
    }

    @Test
    void keepsEveryRecordNotAppliedYetBeyondItsCapacity() {
        long[] applied = {2};
        RecentRecords recent = new RecentRecords(3, () -> applied[0]);
        for (long z = 1; z <= 6; z++) {
            recent.appended(rec(z));
        }
        assertThat(zxids(recent.read(2, 10)))
                .as("3..6 are not applied and the applied 2 stays, so applying reads from memory")
                .containsExactly(3L, 4L, 5L, 6L);
        assertThat(recent.read(1, 10))
                .as("1 was applied and beyond the capacity")
                .isNull();

        applied[0] = 5;
        recent.appended(rec(7));
        assertThat(zxids(recent.read(4, 10)))
                .as("back to the capacity: 5, 6, 7")
                .isNull();
        assertThat(zxids(recent.read(5, 10))).containsExactly(6L, 7L);
    }

    @Test
    void aTruncateDropsTheTailAndAnAppendNeverKeepsAFork() {
        RecentRecords recent = holding(10, 1, 2, 3, 4);
        recent.truncatedAfter(2);
        assertThat(zxids(recent.read(1, 10))).containsExactly(2L);
        recent.appended(rec(3));
        assertThat(zxids(recent.read(1, 10))).containsExactly(2L, 3L);

        recent.appended(rec(2)); // a rewrite of 2 drops 3 too: never a record after a replaced one
        assertThat(zxids(recent.read(1, 10))).containsExactly(2L);
    }

    @Test
    void aSnapshotReplacesTheHistoryUpToIt() {
        RecentRecords recent = holding(10, 1, 2, 3, 4);
        recent.replacedUpTo(3);
        assertThat(zxids(recent.read(4, 10))).isEmpty();
        assertThat(recent.read(3, 10))
                .as("nothing at or before the snapshot is served from memory")
                .isNull();
    }
}
