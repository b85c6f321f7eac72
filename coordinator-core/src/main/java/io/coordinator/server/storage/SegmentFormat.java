package io.coordinator.server.storage;

import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.TxnRecord;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** Constants and readers of the log segment format (described in package-info). */
final class SegmentFormat {
    static final int MAGIC = 0x434F4C47; // "COLG"
    static final int VERSION = 1;
    static final int HEADER_SIZE = 32;
    static final int RECORD_OVERHEAD = 8;
    static final String PREFIX = "log.";

    private SegmentFormat() {}

    record Header(long firstZxid, long prevZxid) {}

    static ByteBuffer encodeHeader(long firstZxid, long prevZxid) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.putInt(MAGIC).putInt(VERSION).putLong(firstZxid).putLong(prevZxid);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24);
        b.putInt((int) crc.getValue()).putInt(0);
        b.flip();
        return b;
    }

    static int recordCrc(byte[] buf, int off, int bodyLen) {
        // covers the 4 length bytes and the body (not the crc field itself)
        CRC32C crc = new CRC32C();
        crc.update(buf, off, 4);
        crc.update(buf, off + RECORD_OVERHEAD, bodyLen);
        return (int) crc.getValue();
    }

    static String fileName(long firstZxid) {
        return PREFIX + FileUtil.hex(firstZxid);
    }

    /** The first zxid encoded in a segment file name, or -1 if the name is not a segment name. */
    static long parseName(String name) {
        if (!name.startsWith(PREFIX) || name.length() != PREFIX.length() + 16) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(name.substring(PREFIX.length()), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A record that cannot be read. {@code torn} means it may be an unsynced, partially written tail. */
    static final class BadRecord extends Exception {
        final long offset;
        final boolean torn;

        BadRecord(long offset, boolean torn, String reason) {
            super(reason, null, false, false);
            this.offset = offset;
            this.torn = torn;
        }
    }

    /** Sequential reader of one segment up to {@code limit} bytes; verifies CRCs and zxid order. */
    static final class Reader implements Closeable {
        private final Path path;
        private final long limit;
        private final int maxRecordBytes;
        private final DataInputStream in;
        private long pos;
        private long validEnd;
        private long lastZxid = Long.MIN_VALUE;
        private int count;
        private Header header;

        Reader(Path path, long limit, int maxRecordBytes) throws IOException {
            this.path = path;
            this.limit = limit;
            this.maxRecordBytes = maxRecordBytes;
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
        }

        /** Reads and validates the header. A header that is absent or all zero is reported as torn. */
        Header readHeader(long expectedFirstZxid) throws IOException, BadRecord {
            if (limit < HEADER_SIZE) {
                throw new BadRecord(0, true, "file of " + limit + " bytes is shorter than the segment header");
            }
            byte[] h = new byte[HEADER_SIZE];
            in.readFully(h);
            pos = HEADER_SIZE;
            validEnd = HEADER_SIZE;
            ByteBuffer b = ByteBuffer.wrap(h);
            int magic = b.getInt();
            int version = b.getInt();
            long first = b.getLong();
            long prev = b.getLong();
            int crc = b.getInt();
            CRC32C c = new CRC32C();
            c.update(h, 0, 24);
            boolean allZero = true;
            for (byte x : h) {
                allZero &= x == 0;
            }
            if (allZero) {
                throw new BadRecord(0, true, "segment header is all zeros");
            }
            if (magic != MAGIC) {
                throw new BadRecord(0, false, "bad magic 0x" + Integer.toHexString(magic));
            }
            if ((int) c.getValue() != crc) {
                throw new BadRecord(0, false, "segment header CRC mismatch");
            }
            if (version != VERSION) {
                throw new BadRecord(0, false, "unsupported segment format version " + version);
            }
            if (first != expectedFirstZxid) {
                throw new BadRecord(
                        0, false, "header first zxid 0x" + Long.toHexString(first) + " does not match the file name");
            }
            header = new Header(first, prev);
            return header;
        }

        /** The next record, or null at the end (a zero length, or fewer than 4 bytes before the limit). */
        TxnRecord next() throws IOException, BadRecord {
            long start = pos;
            if (limit - pos < 4) {
                return null;
            }
            int len = in.readInt();
            pos += 4;
            if (len == 0) {
                return null;
            }
            if (limit - start < RECORD_OVERHEAD) {
                throw new BadRecord(start, true, "truncated record header");
            }
            if (len < 0 || len > maxRecordBytes) {
                throw new BadRecord(start, true, "invalid record length " + len);
            }
            if (start + RECORD_OVERHEAD + len > limit) {
                throw new BadRecord(start, true, "record of " + len + " bytes extends past the end of the file");
            }
            byte[] rec = new byte[RECORD_OVERHEAD + len];
            ByteBuffer.wrap(rec).putInt(len);
            try {
                in.readFully(rec, 4, 4 + len);
            } catch (EOFException e) {
                throw new BadRecord(start, true, "file ends inside a record");
            }
            pos = start + RECORD_OVERHEAD + len;
            int stored = ByteBuffer.wrap(rec, 4, 4).getInt();
            if (stored != recordCrc(rec, 0, len)) {
                throw new BadRecord(start, true, "record CRC mismatch");
            }
            TxnRecord r;
            try {
                JuteReader jr = new JuteReader(rec, RECORD_OVERHEAD, len);
                r = TxnRecord.read(jr);
                if (jr.hasRemaining()) {
                    throw new IllegalArgumentException(jr.remaining() + " trailing bytes");
                }
            } catch (RuntimeException e) {
                throw new BadRecord(start, false, "record has a valid CRC but cannot be decoded: " + e.getMessage());
            }
            if (count == 0 && header != null && r.zxid() != header.firstZxid()) {
                throw new BadRecord(
                        start,
                        false,
                        "first record zxid 0x" + Long.toHexString(r.zxid()) + " does not match the segment name");
            }
            if (count > 0 && r.zxid() <= lastZxid) {
                throw new BadRecord(
                        start,
                        false,
                        "zxid 0x" + Long.toHexString(r.zxid()) + " is not greater than the previous 0x"
                                + Long.toHexString(lastZxid));
            }
            lastZxid = r.zxid();
            count++;
            validEnd = pos;
            return r;
        }

        long validEnd() {
            return validEnd;
        }

        long lastZxid() {
            return lastZxid;
        }

        int count() {
            return count;
        }

        Path path() {
            return path;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** True if any byte of {@code path} from {@code from} to its end is non-zero. */
    static boolean hasNonZero(Path path, long from) throws IOException {
        try (InputStream s = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            s.skipNBytes(Math.min(from, Files.size(path)));
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = s.read(b)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (b[i] != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
