package io.coordinator.server.storage.zookeeper;

import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.storage.CorruptStorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Apache ZooKeeper transaction log file ({@code log.<first zxid hex>}) as FileTxnLog writes it in 3.5-3.9,
 * jute big-endian:
 *
 * <pre>
 * FileHeader  int magic "ZKLG", int version 2, long dbid
 * records     long Adler-32 of the entry, int length, the entry (TxnHeader, txn, [TxnDigest]), byte 'B'
 * padding     zeros (the file is preallocated); a length of 0 ends the file
 * </pre>
 *
 * A record that is cut short or fails its checksum, with nothing but zeros after where it should end, is a torn
 * write: the file ends before it (WARN). The same damage followed by anything else would drop txns that are
 * there, so reading stops with a {@link CorruptStorageException} naming the file and offset.
 */
final class ZkLogFile {
    private static final Logger LOG = LoggerFactory.getLogger(ZkLogFile.class);
    static final int MAGIC = 0x5a4b4c47; // "ZKLG"
    static final String PREFIX = "log";
    private static final int HEADER_BYTES = 16;

    /** Receives the records of a file in order. */
    interface Sink {
        void accept(TxnRecord record, long offset) throws IOException;
    }

    private ZkLogFile() {}

    /** Hands every intact record to {@code sink}; returns how many there were. */
    static int read(Path file, Sink sink) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES) {
            if (zerosFrom(bytes, 0)) {
                LOG.warn("{}: {} bytes, no header: an unfinished log file, taken as empty", file, bytes.length);
                return 0;
            }
            throw new CorruptStorageException(file + ": " + bytes.length + " bytes, too short for a log header");
        }
        int magic = b.getInt();
        int version = b.getInt();
        b.getLong(); // dbid
        if (magic != MAGIC || version != 2) {
            throw new CorruptStorageException(file + ": not a ZooKeeper transaction log (magic 0x"
                    + Integer.toHexString(magic) + ", version " + version + "; expected 0x"
                    + Integer.toHexString(MAGIC) + " \"ZKLG\", version 2)");
        }
        int count = 0;
        while (b.remaining() >= 12) {
            int at = b.position();
            long crc = b.getLong();
            int len = b.getInt();
            if (len == 0) {
                b.position(at);
                break; // the end: preallocated zeros (ZooKeeper reads an empty entry as EOF)
            }
            long end = (long) at + 12 + len + 1; // just past the 'B'
            if (len < 0 || end > bytes.length) {
                torn(file, bytes, at, "its length " + len + " runs past the end of the file", bytes.length);
                return count;
            }
            int body = at + 12;
            if (bytes[(int) end - 1] != 'B') {
                torn(file, bytes, at, "its end-of-record byte is missing", end);
                return count;
            }
            Adler32 adler = new Adler32();
            adler.update(bytes, body, len);
            long actual = adler.getValue();
            if (actual != crc) {
                torn(
                        file,
                        bytes,
                        at,
                        "its checksum does not match (Adler-32 0x" + Long.toHexString(actual) + " computed, 0x"
                                + Long.toHexString(crc) + " stored)",
                        end);
                return count;
            }
            byte[] entry = new byte[len];
            System.arraycopy(bytes, body, entry, 0, len);
            TxnRecord record;
            try {
                record = ZkTxns.decode(entry);
            } catch (ProtocolException e) {
                throw new CorruptStorageException(
                        file + ": the record at offset " + at + " cannot be read: " + e.getMessage(), e);
            }
            sink.accept(record, at);
            count++;
            b.position((int) end);
        }
        if (b.remaining() < 12 && !zerosFrom(bytes, b.position())) {
            torn(file, bytes, b.position(), "only " + b.remaining() + " bytes of its header", bytes.length);
        } else if (!zerosFrom(bytes, b.position())) {
            throw new CorruptStorageException(
                    file + ": unexpected bytes at offset " + b.position() + " after the last record");
        }
        return count;
    }

    /** A bad record at {@code at}: a torn write if only zeros follow where it ends, else a refusal. */
    private static void torn(Path file, byte[] bytes, int at, String why, long end) throws IOException {
        if (end < bytes.length && !zerosFrom(bytes, (int) end)) {
            throw new CorruptStorageException(file + ": the record at offset " + at + " is damaged (" + why
                    + ") and more data follows it; refusing to skip txns");
        }
        LOG.warn(
                "{}: the record at offset {} is incomplete ({}): a torn write, the file ends before it", file, at, why);
    }

    private static boolean zerosFrom(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
