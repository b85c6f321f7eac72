package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistoryTest {

    /** A log on disk holding records with the given counters of epoch 1. */
    private record DiskLog(List<TxnRecord> records) implements ZabLog {
        public long lastZxid() {
            return records.isEmpty() ? 0 : records.get(records.size() - 1).zxid();
        }

        public long firstZxid() {
            return records.isEmpty() ? 0 : records.get(0).zxid();
        }

        public List<TxnRecord> read(long after, int max) {
            return records.stream().filter(r -> r.zxid() > after).limit(max).toList();
        }
    }

    private static TxnRecord record(long counter) {
        Txn t = new Txn.Create("/n" + counter, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, (int) counter);
        return new TxnRecord(new TxnHeader(1, (int) counter, Zxids.make(1, counter), 0, t.type()), t);
    }

    private static List<Long> counters(String s) {
        return s.isBlank()
                ? List.of()
                : Arrays.stream(s.trim().split(" ")).map(Long::parseLong).toList();
    }

    private static String counters(List<TxnRecord> rs) {
        return rs.stream().map(r -> Long.toString(Zxids.counterOf(r.zxid()))).collect(Collectors.joining(" "));
    }

    /**
     * A history over a disk log holding {@code disk}, with {@code appended} appended since, cut after counter
     * {@code cut} (-1: no cut); what reads see, what the driver is asked to do, and where durability stands.
     */
    @ParameterizedTest(
            name = "disk [{0}] + appended [{1}], cut after {2} -> reads [{3}], truncate {4}, append [{5}], durable {6}")
    @CsvSource({
        "'1 2', '3 4', -1, '1 2 3 4', -1, '3 4', 2",
        "'1 2', '3 4', 3, '1 2 3', -1, '3', 2", // a cut among the unwritten appends: nothing to truncate on disk
        "'1 2 3', '', 1, '1', 1, '', 1", // a cut into the disk log: truncate, what survives is durable
        "'1 2 3', '4', 2, '1 2', 2, '', 2",
        "'', '1 2', 0, '', -1, '', 0",
    })
    void readsSeeTheHistoryAsItWillBe(
            String disk, String appended, long cut, String reads, long truncate, String toAppend, long durable) {
        List<TxnRecord> onDisk =
                new ArrayList<>(counters(disk).stream().map(HistoryTest::record).toList());
        DiskLog log = new DiskLog(onDisk);
        History h = new History("test", log, log.lastZxid());
        for (long c : counters(appended)) {
            h.append(record(c));
        }
        if (cut >= 0) {
            h.truncate(cut == 0 ? 0 : Zxids.make(1, cut));
        }
        assertEquals(reads, counters(h.read(0, 100)));
        long t = h.takeTruncate();
        assertEquals(truncate, t < 0 ? -1 : Zxids.counterOf(t));
        assertEquals(toAppend, counters(h.takeAppends()));
        assertEquals(durable, Zxids.counterOf(h.durableZxid()));
    }

    /** Appended [1..5] on an empty disk; fsyncs reported for {@code reports}; the durable end after each. */
    @ParameterizedTest(name = "fsyncs reported [{0}] -> durable [{1}]")
    @CsvSource({
        "'2 5', '2 5'",
        "'5 2', '5 5'", // an older report is no news
        "'9', '0'", // a zxid never appended (or cut since) is ignored
        "'3 3', '3 3'",
    })
    void persistedReportsOnlyMoveForward(String reports, String durable) {
        History h = new History("test", new DiskLog(new ArrayList<>()), 0);
        for (long c = 1; c <= 5; c++) {
            h.append(record(c));
        }
        List<String> seen = new ArrayList<>();
        for (long c : counters(reports)) {
            h.persisted(Zxids.make(1, c), h.generation());
            seen.add(Long.toString(Zxids.counterOf(h.durableZxid())));
        }
        assertEquals(durable, String.join(" ", seen));
    }

    /** A history whose log holds 1..3, durable, and 4 and 5 just written to {@code disk} (not yet fsynced). */
    private static History durableOneToThreeWritingFourAndFive(List<TxnRecord> disk) {
        disk.addAll(counters("1 2 3").stream().map(HistoryTest::record).toList());
        History h = new History("test", new DiskLog(disk), Zxids.make(1, 3));
        h.append(record(4));
        h.append(record(5));
        disk.addAll(h.takeAppends());
        return h;
    }

    /**
     * Records 4 and 5 are written after the durable 1..3 and an fsync of them begins; the log is cut after 3 and 4
     * and 5 are written again (same zxids) before that fsync reports: its report must not make the new copies count
     * as durable (seed 8578 of ZabSimulationTest once applied such a record before it was on disk).
     */
    @Test
    void anFsyncThatBeganBeforeACutCannotVouchForTheRecordsWrittenAgain() {
        List<TxnRecord> disk = new ArrayList<>();
        History h = durableOneToThreeWritingFourAndFive(disk);
        long fsyncGeneration = h.generation(); // the fsync of 4 and 5 begins

        h.truncate(Zxids.make(1, 3));
        assertEquals(3, Zxids.counterOf(h.takeTruncate()));
        disk.subList(3, disk.size()).clear();
        h.append(record(4));
        h.append(record(5));
        disk.addAll(h.takeAppends()); // written again, not fsynced

        assertEquals(false, h.persisted(Zxids.make(1, 5), fsyncGeneration));
        assertEquals(3, Zxids.counterOf(h.durableZxid()));
        assertEquals(true, h.persisted(Zxids.make(1, 5), h.generation())); // an fsync begun after the cut
        assertEquals(5, Zxids.counterOf(h.durableZxid()));
    }

    /**
     * Records 4 and 5 are written and an fsync of them begins; a snapshot at 3 is installed (a SNAP sync whose point
     * the log holds: the log is kept). The fsync's report still counts for 4 and 5, which nothing writes again
     * (reconfig simulation seed 5672: with the install counted as a cut, they stayed unsynced for ever).
     */
    @Test
    void aSnapshotInstalledOverAKeptLogLeavesAnFsyncBegunBeforeItValid() {
        List<TxnRecord> disk = new ArrayList<>();
        History h = durableOneToThreeWritingFourAndFive(disk);
        long fsyncGeneration = h.generation(); // the fsync of 4 and 5 begins

        h.installSnapshot(Zxids.make(1, 3), new byte[0]);
        h.takeSnapshot();

        assertEquals(true, h.persisted(Zxids.make(1, 5), fsyncGeneration));
        assertEquals(5, Zxids.counterOf(h.durableZxid()));
    }

    @ParameterizedTest(name = "disk [{0}] + appended [{1}], applied {2}, limit {3} -> apply [{4}]")
    @CsvSource({
        "'', '1 2 3', 0, 2, '1 2'", // appended, not yet in the log
        "'1 2 3', '', 0, 3, '1 2 3'", // from the log (nothing appended since start)
        "'1 2', '3 4', 1, 4, '2 3 4'", // the log, then what is appended
        "'1 2', '', 2, 2, ''",
    })
    void committedRecordsAreHandedOutInOrder(String disk, String appended, long applied, long limit, String apply) {
        DiskLog log = new DiskLog(
                new ArrayList<>(counters(disk).stream().map(HistoryTest::record).toList()));
        History h = new History("test", log, log.lastZxid());
        for (long c : counters(appended)) {
            h.append(record(c));
        }
        assertEquals(apply, counters(h.toApply(applied == 0 ? 0 : Zxids.make(1, applied), Zxids.make(1, limit))));
    }
}
