package io.coordinator.server.storage;

import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

final class StorageTestSupport {
    private StorageTestSupport() {}

    static final LogOptions SMALL = LogOptions.defaults().withPreallocateBytes(64 * 1024);

    static TxnRecord rec(long zxid) {
        return rec(zxid, "v" + zxid);
    }

    static TxnRecord rec(long zxid, String data) {
        return new TxnRecord(
                new TxnHeader(0x1234L, (int) zxid, zxid, 1_700_000_000_000L + zxid, OpCode.SET_DATA),
                new Txn.SetData("/node/" + (zxid % 7), data.getBytes(StandardCharsets.UTF_8), (int) zxid));
    }

    /** Reads every record after {@code after}, returning their zxids. */
    static List<Long> zxids(TxnLog log, long after) throws IOException {
        List<Long> out = new ArrayList<>();
        try (TxnLog.LogIterator it = log.read(after)) {
            it.forEachRemaining(r -> out.add(r.zxid()));
        }
        return out;
    }

    static List<TxnRecord> records(TxnLog log, long after) throws IOException {
        List<TxnRecord> out = new ArrayList<>();
        try (TxnLog.LogIterator it = log.read(after)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static List<Long> range(long fromInclusive, long toInclusive) {
        List<Long> out = new ArrayList<>();
        for (long z = fromInclusive; z <= toInclusive; z++) {
            out.add(z);
        }
        return out;
    }

    static Path segment(Path dir, long firstZxid) {
        return dir.resolve(SegmentFormat.fileName(firstZxid));
    }

    static void flipByte(Path file, long offset) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.flip();
            byte v = b.get(0);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (v ^ 0x5A)}), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    /** Offset of each record in a segment whose records are {@code zxids}, and the end offset last. */
    static long[] offsets(List<TxnRecord> recs) {
        long[] out = new long[recs.size() + 1];
        long pos = SegmentFormat.HEADER_SIZE;
        for (int i = 0; i < recs.size(); i++) {
            out[i] = pos;
            pos += TxnLog.encode(recs.get(i)).length;
        }
        out[recs.size()] = pos;
        return out;
    }
}
