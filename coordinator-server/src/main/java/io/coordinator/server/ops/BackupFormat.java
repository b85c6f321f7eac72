package io.coordinator.server.ops;

import io.coordinator.server.storage.CountingInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * An online backup as it travels: the state of a server at one zxid (a Coordinator snapshot body) in CRC-checked
 * chunks, so a damaged or cut file is refused naming the offset where it goes wrong, before anything is written.
 *
 * <pre>
 * header  "CBAK" | version 1 (int) | zxid (long) | body length (long) | CRC32C of the previous 24 bytes (int)
 * chunks  length (int, 1..65536) | CRC32C of the chunk (int) | bytes      ... as many as the body needs
 * end     0 (int) | CRC32C of the whole body (int)
 * </pre>
 */
public final class BackupFormat {
    static final int MAGIC = 0x4342414B; // "CBAK"
    static final int VERSION = 1;
    static final int HEADER_SIZE = 28;
    static final int CHUNK = 1 << 16;

    private BackupFormat() {}

    /** A backup read back: the zxid it was taken at and the state's bytes. */
    public record Backup(long zxid, byte[] state) {}

    /** A backup that cannot be used; the message names the offset, or what in its state cannot be read. */
    public static final class CorruptBackupException extends IOException {
        CorruptBackupException(String message) {
            super(message);
        }

        public CorruptBackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The size {@link #write} produces for a body of {@code length} bytes. */
    public static long size(int length) {
        long chunks = (length + CHUNK - 1L) / CHUNK;
        return HEADER_SIZE + chunks * 8 + length + 8;
    }

    public static void write(OutputStream target, long zxid, byte[] state) throws IOException {
        DataOutputStream out = new DataOutputStream(target);
        ByteBuffer header = ByteBuffer.allocate(24)
                .putInt(MAGIC)
                .putInt(VERSION)
                .putLong(zxid)
                .putLong(state.length);
        out.write(header.array());
        out.writeInt(crc(header.array(), 0, 24));
        for (int off = 0; off < state.length; off += CHUNK) {
            int n = Math.min(CHUNK, state.length - off);
            out.writeInt(n);
            out.writeInt(crc(state, off, n));
            out.write(state, off, n);
        }
        out.writeInt(0);
        out.writeInt(crc(state, 0, state.length));
        out.flush();
    }

    /** Reads and verifies a whole backup; nothing after its end is accepted. */
    public static Backup read(InputStream source) throws IOException {
        CountingInputStream counting = new CountingInputStream(source);
        DataInputStream in = new DataInputStream(counting);
        byte[] header = new byte[24];
        readFully(in, header, counting, "the header");
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        if (magic != MAGIC) {
            throw new CorruptBackupException("not a Coordinator backup: bad magic 0x" + Integer.toHexString(magic)
                    + " at offset 0 (expected 0x" + Integer.toHexString(MAGIC) + ", \"CBAK\")");
        }
        int version = h.getInt();
        long zxid = h.getLong();
        long length = h.getLong();
        int headerCrc = readInt(in, counting, "the header's CRC");
        if (headerCrc != crc(header, 0, 24)) {
            throw new CorruptBackupException("the header (offset 0 to 24) fails its CRC");
        }
        if (version != VERSION) {
            throw new CorruptBackupException("unsupported backup version " + version + " at offset 4");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 16) {
            throw new CorruptBackupException("body length " + length + " at offset 16 is out of range");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
        while (true) {
            long at = counting.count();
            int n = readInt(in, counting, "a chunk length");
            if (n == 0) {
                break;
            }
            if (n < 0 || n > CHUNK) {
                throw new CorruptBackupException(
                        "chunk at offset " + at + " claims " + n + " bytes (1 to " + CHUNK + ")");
            }
            if (body.size() + (long) n > length) {
                throw new CorruptBackupException(
                        "chunk at offset " + at + " runs past the body length " + length + " the header gives");
            }
            int expected = readInt(in, counting, "a chunk CRC");
            byte[] chunk = new byte[n];
            readFully(in, chunk, counting, "the chunk that starts at offset " + at);
            if (crc(chunk, 0, n) != expected) {
                throw new CorruptBackupException("chunk at offset " + at + " (" + n + " bytes) fails its CRC");
            }
            body.write(chunk);
        }
        long endAt = counting.count() - 4;
        int bodyCrc = readInt(in, counting, "the body CRC");
        byte[] state = body.toByteArray();
        if (state.length != length) {
            throw new CorruptBackupException("the end marker at offset " + endAt + " comes after " + state.length
                    + " body bytes, the header gives " + length);
        }
        if (bodyCrc != crc(state, 0, state.length)) {
            throw new CorruptBackupException("the body fails its CRC (end marker at offset " + endAt + ")");
        }
        if (in.read() != -1) {
            throw new CorruptBackupException("bytes after the end of the backup at offset " + (counting.count() - 1));
        }
        return new Backup(zxid, state);
    }

    private static int readInt(DataInputStream in, CountingInputStream counting, String what) throws IOException {
        byte[] b = new byte[4];
        readFully(in, b, counting, what);
        return ByteBuffer.wrap(b).getInt();
    }

    private static void readFully(DataInputStream in, byte[] b, CountingInputStream counting, String what)
            throws IOException {
        long at = counting.count();
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new CorruptBackupException("truncated: the backup ends at offset " + counting.count() + ", inside "
                    + what + " (from offset " + at + ", " + b.length + " bytes)");
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
