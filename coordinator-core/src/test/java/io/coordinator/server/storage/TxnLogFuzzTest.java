package io.coordinator.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes recovery of the transaction log ({@link TxnLog#open} and reading it back). Byte 0 picks the mode:
 * <ul>
 *   <li>even: the rest is the content of a single segment file (named after the first zxid in its header);</li>
 *   <li>odd: a real log of 1-24 records in segments of 1-8 is written, then damaged as bytes 1-5 say: the
 *       last segment cut short (a torn write), or bytes flipped in the last or any segment.</li>
 * </ul>
 *
 * <p>Contract: open either throws {@link CorruptStorageException} (refuse to start, with the reason) or
 * succeeds; never another exception, a hang or an OOM. After success every record reads back, zxids strictly
 * increase, the records are a prefix of what was written (damage never yields a record nobody wrote), a cut
 * of the last segment always succeeds and keeps the earlier segments whole, and the log accepts an append
 * that survives a reopen right after the recovered records.
 */
class TxnLogFuzzTest {
    private static final LogOptions OPTIONS =
            LogOptions.defaults().withPreallocateBytes(4096).withMaxRecordBytes(64 * 1024);
    private static final Path DIR = FuzzFiles.scratch("txnlog-fuzz");

    static {
        FuzzFiles.quietLogs();
    }

    @FuzzTest
    void recover(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        FuzzFiles.clear(DIR);
        if ((input[0] & 1) == 0) {
            rawSegment(Arrays.copyOfRange(input, 1, input.length));
        } else {
            damagedLog(input);
        }
    }

    private static void rawSegment(byte[] content) throws IOException {
        long first = content.length >= 16 ? ByteBuffer.wrap(content).getLong(8) : 1;
        Files.write(DIR.resolve(SegmentFormat.fileName(first)), content);
        List<TxnRecord> recovered = openOrRefuse();
        if (recovered != null) {
            assertAppendSurvivesReopen(recovered);
        }
    }

    private static void damagedLog(byte[] in) throws IOException {
        int count = 1 + at(in, 1) % 24;
        int perSegment = 1 + at(in, 2) % 8;
        int damage = at(in, 3) % 3;
        List<TxnRecord> written = new ArrayList<>();
        try (TxnLog log = TxnLog.open(DIR, OPTIONS.withMaxSegmentTxns(perSegment))) {
            for (int i = 1; i <= count; i++) {
                TxnRecord r = record(i, at(in, 3 + i));
                log.append(r);
                written.add(r);
            }
            log.sync();
        }
        List<Path> segments;
        try (var s = Files.list(DIR)) {
            segments = s.sorted().toList();
        }
        Path last = segments.get(segments.size() - 1);
        int before = (segments.size() - 1) * perSegment; // records in the segments before the last
        int offset = (at(in, 4) << 8) | at(in, 5);
        switch (damage) {
            case 0 -> {
                try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
                    ch.truncate(offset % (ch.size() + 1));
                }
            }
            case 1 -> flip(last, offset, in);
            default -> flip(segments.get(at(in, 6) % segments.size()), offset, in);
        }
        List<TxnRecord> recovered = openOrRefuse();
        if (damage == 0) {
            assertThat(recovered).as("a torn tail must be cut, not refused").isNotNull();
        }
        if (recovered == null) {
            return;
        }
        assertThat(recovered.size()).isLessThanOrEqualTo(written.size());
        for (int i = 0; i < recovered.size(); i++) {
            assertThat(recovered.get(i).toBytes())
                    .as("record %d", i)
                    .isEqualTo(written.get(i).toBytes());
        }
        if (damage != 2) {
            assertThat(recovered.size())
                    .as("segments before the damaged one stay whole")
                    .isGreaterThanOrEqualTo(before);
        }
        assertAppendSurvivesReopen(recovered);
    }

    /** Flips up to 4 bytes from {@code offset} on, each xor-ed with a non-zero mask from the input. */
    private static void flip(Path file, int offset, byte[] in) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            int n = 1 + at(in, 7) % 4;
            for (int i = 0; i < n && size > 0; i++) {
                long pos = (offset + (long) i * (1 + at(in, 8 + i))) % size;
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, pos);
                int mask = at(in, 12 + i) == 0 ? 0x01 : at(in, 12 + i);
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ mask)}), pos);
            }
        }
    }

    /** The records of the log in DIR, or null when it is refused as corrupt. */
    private static List<TxnRecord> openOrRefuse() throws IOException {
        try (TxnLog log = TxnLog.open(DIR, OPTIONS)) {
            List<TxnRecord> out = new ArrayList<>();
            long prev = Long.MIN_VALUE;
            try (TxnLog.LogIterator it = log.read(Long.MIN_VALUE)) {
                while (it.hasNext()) {
                    TxnRecord r = it.next();
                    assertThat(r.zxid()).isGreaterThan(prev);
                    prev = r.zxid();
                    out.add(r);
                }
            }
            assertThat(log.lastZxid()).isEqualTo(out.isEmpty() ? log.baseZxid() : prev);
            return out;
        } catch (CorruptStorageException e) {
            assertThat(e.getMessage()).isNotBlank();
            return null;
        }
    }

    private static void assertAppendSurvivesReopen(List<TxnRecord> recovered) throws IOException {
        long next;
        try (TxnLog log = TxnLog.open(DIR, OPTIONS)) {
            if (log.lastZxid() == Long.MAX_VALUE) {
                return;
            }
            next = log.lastZxid() + 1;
            log.append(record(next, 3));
            log.sync();
        }
        List<TxnRecord> after = openOrRefuse();
        assertThat(after).as("the repaired log must reopen").isNotNull();
        assertThat(after).hasSize(recovered.size() + 1);
        assertThat(after.get(after.size() - 1).zxid()).isEqualTo(next);
    }

    static TxnRecord record(long zxid, int size) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) zxid);
        return new TxnRecord(
                new TxnHeader(0x1234L, (int) zxid, zxid, 1_700_000_000_000L + zxid, OpCode.SET_DATA),
                new Txn.SetData("/n" + zxid % 5, data, (int) zxid));
    }

    private static int at(byte[] in, int i) {
        return i < in.length ? in[i] & 0xff : 0;
    }
}
