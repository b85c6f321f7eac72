package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.SMALL;
import static io.coordinator.server.storage.StorageTestSupport.flipByte;
import static io.coordinator.server.storage.StorageTestSupport.offsets;
import static io.coordinator.server.storage.StorageTestSupport.range;
import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.records;
import static io.coordinator.server.storage.StorageTestSupport.segment;
import static io.coordinator.server.storage.StorageTestSupport.zxids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnLogTest {
    private static final LogOptions TEN_PER_SEGMENT = SMALL.withMaxSegmentTxns(10);

    @TempDir
    Path dir;

    /** Appends records from..to to a log opened with {@code opts}, syncs and closes it; returns them. */
    private List<TxnRecord> writeSynced(LogOptions opts, long from, long to) throws IOException {
        try (TxnLog log = TxnLog.open(dir, opts)) {
            List<TxnRecord> written = appendRange(log, from, to);
            log.sync();
            return written;
        }
    }

    /** Opening the log with {@code opts} fails: its storage is corrupt, not just torn at the tail. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertStartupError(LogOptions opts) {
        return assertThatThrownBy(() -> TxnLog.open(dir, opts)).isInstanceOf(CorruptStorageException.class);
    }

    /** The zxids a log opened with {@code opts} recovers, from the first. */
    private List<Long> recovered(LogOptions opts) throws IOException {
        try (TxnLog log = TxnLog.open(dir, opts)) {
            return zxids(log, 0);
        }
    }

    private void appendSynced(TxnLog log, long from, long to) throws IOException {
        appendRange(log, from, to);
        log.sync();
    }

    private List<TxnRecord> appendRange(TxnLog log, long from, long to) throws IOException {
        List<TxnRecord> out = new ArrayList<>();
        for (long z = from; z <= to; z++) {
            TxnRecord r = rec(z);
            log.append(r);
            out.add(r);
        }
        return out;
    }

    @Test
    void emptyLog() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(log.lastZxid()).isZero();
            assertThat(log.baseZxid()).isZero();
            assertThat(zxids(log, 0)).isEmpty();
            assertThat(log.segmentZxids()).isEmpty();
        }
    }

    @Test
    void appendSyncReopenRoundTrip() throws IOException {
        List<TxnRecord> written;
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            written = appendRange(log, 1, 100);
            log.sync();
            assertThat(log.durableZxid()).isEqualTo(100);
        }
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(log.lastZxid()).isEqualTo(100);
            List<TxnRecord> read = records(log, 0);
            assertThat(read).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(read.get(i).toBytes()).isEqualTo(written.get(i).toBytes());
            }
            assertThat(zxids(log, 42)).isEqualTo(range(43, 100));
            // appending continues the same segment after reopen
            log.append(rec(101));
            log.sync();
        }
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(log, 0)).isEqualTo(range(1, 101));
            assertThat(log.segmentZxids()).containsExactly(1L);
        }
    }

    @Test
    void preallocatedZerosAreNotRecords() throws IOException {
        writeSynced(SMALL, 1, 3);
        Path seg = segment(dir, 1);
        long used = offsets(List.of(rec(1), rec(2), rec(3)))[3];
        assertThat(Files.size(seg)).isEqualTo(64 * 1024).isGreaterThan(used);
        assertThat(recovered(SMALL)).containsExactly(1L, 2L, 3L);
        // file stays preallocated (not cut) when the tail is clean zeros
        assertThat(Files.size(seg)).isEqualTo(64 * 1024);
    }

    @Test
    void growsPreallocationInSteps() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            for (long z = 1; z <= 3000; z++) {
                log.append(rec(z, "x".repeat(40)));
            }
            log.sync();
        }
        long size = Files.size(segment(dir, 1));
        assertThat(size % (64 * 1024)).isZero();
        assertThat(size).isGreaterThan(64 * 1024);
        assertThat(recovered(SMALL)).isEqualTo(range(1, 3000));
    }

    @Test
    void rejectsNonIncreasingZxid() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.append(rec(5));
            assertThatThrownBy(() -> log.append(rec(5))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> log.append(rec(4))).isInstanceOf(IllegalStateException.class);
            log.append(rec(6));
            log.sync();
            assertThat(zxids(log, 0)).containsExactly(5L, 6L);
        }
    }

    @Test
    void manySegmentsAndReadAcrossThem() throws IOException {
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            for (long i = 1; i <= 95; i++) {
                log.append(rec(i * 3)); // gaps between zxids
            }
            log.sync();
            assertThat(log.segmentZxids()).hasSize(10);
        }
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            assertThat(log.segmentZxids()).hasSize(10).startsWith(3L, 33L);
            assertThat(log.lastZxid()).isEqualTo(285);
            List<Long> all = range(1, 95).stream().map(i -> i * 3).collect(Collectors.toList());
            assertThat(zxids(log, 0)).isEqualTo(all);
            for (long after : new long[] {2, 3, 4, 30, 31, 33, 150, 284, 285, 1000}) {
                List<Long> expected = all.stream().filter(z -> z > after).collect(Collectors.toList());
                assertThat(zxids(log, after)).as("after %d", after).isEqualTo(expected);
            }
            try (Stream<TxnRecord> s = log.stream(270)) {
                assertThat(s.map(TxnRecord::zxid)).containsExactly(273L, 276L, 279L, 282L, 285L);
            }
        }
    }

    @Test
    void rollsBySize() throws IOException {
        LogOptions opts = SMALL.withMaxSegmentBytes(4096);
        try (TxnLog log = TxnLog.open(dir, opts)) {
            for (long z = 1; z <= 200; z++) {
                log.append(rec(z, "y".repeat(100)));
            }
            log.sync();
            assertThat(log.segmentZxids().size()).isGreaterThan(4);
        }
        assertThat(recovered(opts)).isEqualTo(range(1, 200));
    }

    @Test
    void readSeesAppendedRecordsBeforeSync() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            appendRange(log, 1, 5);
            assertThat(zxids(log, 2)).containsExactly(3L, 4L, 5L);
        }
    }

    @Test
    void tornTailMidRecordIsCutAndLogContinues() throws IOException {
        List<TxnRecord> written = writeSynced(SMALL, 1, 20);
        long[] off = offsets(written);
        Path seg = segment(dir, 1);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(off[19] + 11); // inside record 20
        }
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(log.lastZxid()).isEqualTo(19);
            assertThat(zxids(log, 0)).isEqualTo(range(1, 19));
            log.append(rec(20, "replacement"));
            log.append(rec(21));
            log.sync();
        }
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            List<TxnRecord> read = records(log, 0);
            assertThat(read.stream().map(TxnRecord::zxid)).isEqualTo(range(1, 21));
            assertThat(read.get(19).toBytes()).isEqualTo(rec(20, "replacement").toBytes());
        }
    }

    @Test
    void flippedByteInLastRecordBodyIsCut() throws IOException {
        List<TxnRecord> written = writeSynced(SMALL, 1, 20);
        long[] off = offsets(written);
        flipByte(segment(dir, 1), off[19] + 8 + 20); // body of record 20
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(log, 0)).isEqualTo(range(1, 19));
            log.append(rec(20, "again"));
            log.sync();
        }
        assertThat(recovered(SMALL)).isEqualTo(range(1, 20));
    }

    @Test
    void corruptLengthInTailIsCut() throws IOException {
        List<TxnRecord> written = writeSynced(SMALL, 1, 10);
        long[] off = offsets(written);
        StorageTestSupport.overwrite(segment(dir, 1), off[9], new byte[] {0x7f, 0, 0, 0});
        assertThat(recovered(SMALL)).isEqualTo(range(1, 9));
    }

    /**
     * A torn batch: the first record of an unsynced write never reached the disk (zeros) but a later one
     * did. The later one must not come back after a different record is written in the gap.
     */
    @Test
    void staleBytesAfterEndMarkerNeverResurrect() throws IOException {
        List<TxnRecord> written = writeSynced(SMALL, 1, 10);
        long[] off = offsets(written);
        Path seg = segment(dir, 1);
        StorageTestSupport.overwrite(seg, off[8], new byte[(int) (off[9] - off[8])]); // zero record 9 only
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(log, 0)).isEqualTo(range(1, 8));
            // same size as the old record 9, so the old record 10 would line up right behind it
            TxnRecord other = rec(9, "w9");
            assertThat(TxnLog.encode(other).length).isEqualTo(TxnLog.encode(written.get(8)).length);
            log.append(other);
            log.sync();
        }
        assertThat(recovered(SMALL)).isEqualTo(range(1, 9));
    }

    @Test
    void lastSegmentWithOnlyAHeaderIsDropped() throws IOException {
        LogOptions opts = SMALL.withMaxSegmentTxns(5);
        writeSynced(opts, 1, 6);
        try (FileChannel ch = FileChannel.open(segment(dir, 6), StandardOpenOption.WRITE)) {
            ch.truncate(SegmentFormat.HEADER_SIZE);
        }
        try (TxnLog log = TxnLog.open(dir, opts)) {
            assertThat(log.segmentZxids()).containsExactly(1L);
            assertThat(log.lastZxid()).isEqualTo(5);
            log.append(rec(7));
            log.sync();
        }
        assertThat(recovered(opts)).containsExactly(1L, 2L, 3L, 4L, 5L, 7L);
    }

    @Test
    void corruptionInMiddleSegmentIsAStartupError() throws IOException {
        List<TxnRecord> written = writeSynced(TEN_PER_SEGMENT, 1, 30);
        long[] off = offsets(written.subList(10, 20));
        Path middle = segment(dir, 11);
        flipByte(middle, off[9] + 12); // last record of the middle segment
        assertStartupError(TEN_PER_SEGMENT)
                .hasMessageContaining(middle.toString())
                .hasMessageContaining("offset " + off[9])
                .hasMessageContaining("not the last segment");
    }

    @Test
    void validCrcButUndecodableRecordInLastSegmentIsNotTreatedAsTorn() throws IOException {
        writeSynced(SMALL, 1, 3);
        // append a well-framed record (good CRC) whose body is garbage
        byte[] body = new byte[] {1, 2, 3, 4, 5, 6, 7};
        byte[] framed = new byte[8 + body.length];
        java.nio.ByteBuffer.wrap(framed).putInt(body.length);
        System.arraycopy(body, 0, framed, 8, body.length);
        java.nio.ByteBuffer.wrap(framed).putInt(4, SegmentFormat.recordCrc(framed, 0, body.length));
        long end = offsets(List.of(rec(1), rec(2), rec(3)))[3];
        StorageTestSupport.overwrite(segment(dir, 1), end, framed);
        assertStartupError(SMALL).hasMessageContaining("cannot be decoded");
    }

    @Test
    void missingMiddleSegmentIsAStartupError() throws IOException {
        writeSynced(TEN_PER_SEGMENT, 1, 30);
        Files.delete(segment(dir, 11));
        assertStartupError(TEN_PER_SEGMENT).hasMessageContaining("segment is missing");
    }

    @Test
    void truncateAfterThenAppend() throws IOException {
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            appendSynced(log, 1, 50);
            log.truncateAfter(23);
            assertThat(log.lastZxid()).isEqualTo(23);
            assertThat(log.segmentZxids()).containsExactly(1L, 11L, 21L);
            assertThat(zxids(log, 0)).isEqualTo(range(1, 23));
            assertThatThrownBy(() -> log.append(rec(23))).isInstanceOf(IllegalStateException.class);
            log.append(rec(24, "new24"));
            log.append(rec(25, "new25"));
            log.sync();
        }
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            List<TxnRecord> read = records(log, 0);
            assertThat(read.stream().map(TxnRecord::zxid)).isEqualTo(range(1, 25));
            assertThat(read.get(23).toBytes()).isEqualTo(rec(24, "new24").toBytes());
            assertThat(log.segmentZxids()).containsExactly(1L, 11L, 21L);
        }
    }

    @Test
    void truncateAfterIsDurableWithoutFurtherAppends() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            appendSynced(log, 1, 10);
            log.truncateAfter(4);
        }
        assertThat(recovered(SMALL)).isEqualTo(range(1, 4));
    }

    @Test
    void truncateAfterAtSegmentBoundaryAndBeforeEverything() throws IOException {
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            appendSynced(log, 1, 30);
            log.truncateAfter(20);
            assertThat(log.segmentZxids()).containsExactly(1L, 11L);
            assertThat(zxids(log, 15)).isEqualTo(range(16, 20));
            log.append(rec(21));
            log.sync();
            assertThat(log.segmentZxids()).containsExactly(1L, 11L, 21L);
            log.truncateAfter(0);
            assertThat(log.segmentZxids()).isEmpty();
            assertThat(log.lastZxid()).isZero();
            log.append(rec(1, "fresh"));
            log.sync();
        }
        assertThat(recovered(TEN_PER_SEGMENT)).containsExactly(1L);
    }

    @Test
    void purgeBeforeKeepsWhatIsNeeded() throws IOException {
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            appendSynced(log, 1, 45);
            assertThat(log.segmentZxids()).containsExactly(1L, 11L, 21L, 31L, 41L);
            log.purgeBefore(25);
            assertThat(log.segmentZxids()).containsExactly(21L, 31L, 41L);
            assertThat(log.baseZxid()).isEqualTo(20);
            assertThat(zxids(log, 25)).isEqualTo(range(26, 45));
            log.purgeBefore(30); // 30 is the last of the segment starting at 21: keep it
            assertThat(log.segmentZxids()).containsExactly(21L, 31L, 41L);
            log.purgeBefore(1_000); // never the current segment
            assertThat(log.segmentZxids()).containsExactly(41L);
            log.append(rec(46));
            log.sync();
        }
        try (TxnLog log = TxnLog.open(dir, TEN_PER_SEGMENT)) {
            assertThat(log.baseZxid()).isEqualTo(40);
            assertThat(zxids(log, 0)).isEqualTo(range(41, 46));
        }
    }

    @Test
    void writeFailureIsPermanent() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        StorageFaults faults = new StorageFaults() {
            @Override
            public void beforeSync(Path file) throws IOException {
                if (armed.get()) {
                    throw new IOException("injected fsync failure");
                }
            }
        };
        TxnLog log = TxnLog.open(dir, SMALL.withFaults(faults));
        appendSynced(log, 1, 3);
        log.append(rec(4));
        armed.set(true);
        assertThatThrownBy(log::sync).hasMessageContaining("injected");
        armed.set(false);
        assertThatThrownBy(log::sync).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
        assertThatThrownBy(() -> log.append(rec(5))).isInstanceOf(IOException.class);
        log.close();
        try (TxnLog reopened = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(reopened, 0)).startsWith(1L, 2L, 3L);
        }
    }

    @Test
    void damagedHeaderOfLastSegmentIsAStartupError() throws IOException {
        writeSynced(SMALL, 1, 3);
        flipByte(segment(dir, 1), 0); // magic
        assertStartupError(SMALL).hasMessageContaining("bad magic").hasMessageContaining("offset 0");
    }
}
