package io.coordinator.server.storage.zookeeper;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteStreams;
import io.coordinator.server.storage.CorruptStorageException;
import io.coordinator.server.storage.CountingInputStream;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.StatPersisted;
import io.coordinator.server.tree.TreeBuilder;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;

/**
 * One Apache ZooKeeper snapshot file ({@code snapshot.<zxid hex>}, optionally {@code .gz}), as FileSnap writes
 * it in 3.5-3.9, all jute big-endian:
 *
 * <pre>
 * FileHeader     int magic "ZKSN", int version 2, long dbid
 * sessions       int count, then (long id, int timeout) pairs
 * ACL cache      int count, then (long ref, vector&lt;ACL&gt;) pairs; ref -1 on a node means world:anyone ALL
 * nodes          (ustring path, buffer data, long aclRef, StatPersisted) parents first, the root's path "",
 *                ended by the path "/"
 * seal           long Adler-32 of everything before it, ustring "/"
 * [digest]       long zxid, int digestVersion, long digest (a hex ustring before version 2), then a seal
 * [lastZxid]     long (zookeeper.serializeLastProcessedZxid.enabled), then a seal
 * </pre>
 *
 * Each later seal covers the whole stream before it. The digest is read but not recomputed (the seals already
 * prove the bytes; the tree's digest only matches a non-fuzzy snapshot).
 */
final class ZkSnapshotFile {
    static final int MAGIC = 0x5a4b534e; // "ZKSN"
    static final String PREFIX = "snapshot";
    /** No ZooKeeper value comes near this; a larger length is damage, not an allocation to attempt. */
    private static final int MAX_LENGTH = 256 << 20;
    /** A seal: long checksum, then the string "/" (int 1, byte '/'). */
    private static final int SEAL_BYTES = 13;

    /** What a snapshot holds; {@code tree}'s last processed zxid is the file's zxid, as ZooKeeper sets it. */
    record Content(Path file, long zxid, DataTree tree, Map<Long, Integer> sessions) {}

    private ZkSnapshotFile() {}

    /** The compression a snapshot file name says (ZooKeeper: SnapStream.getStreamMode): "", "gz" or "snappy". */
    static String compression(String fileName) {
        String[] parts = fileName.split("\\.");
        if (parts.length > 2
                && (parts[parts.length - 1].equalsIgnoreCase("gz")
                        || parts[parts.length - 1].equalsIgnoreCase("snappy"))) {
            return parts[parts.length - 1].toLowerCase(Locale.ROOT);
        }
        return "";
    }

    /**
     * ZooKeeper's quick validity test (SnapStream.isValidSnapshot): a plain file ends with the seal's "/", a
     * gzip file starts with gzip's magic. A file that fails it is skipped for an older one.
     */
    static String quickCheck(Path file) throws IOException {
        String mode = compression(file.getFileName().toString());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (mode.equals("gz")) {
                ByteBuffer b = ByteBuffer.allocate(2);
                ch.read(b, 0);
                return b.position() == 2 && (b.get(0) & 0xff) == 0x1f && (b.get(1) & 0xff) == 0x8b
                        ? null
                        : "no gzip header";
            }
            if (size < 10) {
                return "only " + size + " bytes";
            }
            ByteBuffer b = ByteBuffer.allocate(5);
            while (b.hasRemaining() && ch.read(b, size - 5 + b.position()) > 0) {}
            b.flip();
            return b.remaining() == 5 && b.getInt() == 1 && b.get() == '/'
                    ? null
                    : "does not end with its seal (incomplete)";
        }
    }

    static CorruptStorageException snappyRefused(Path file) {
        return new CorruptStorageException(file + ": snappy-compressed ZooKeeper snapshots"
                + " (zookeeper.snapshot.compression.method=snappy) are not supported; only uncompressed and gz");
    }

    static Content read(Path file, long zxid) throws IOException {
        String mode = compression(file.getFileName().toString());
        if (mode.equals("snappy")) {
            throw snappyRefused(file);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            CountingInputStream counting = new CountingInputStream(
                    mode.equals("gz") ? new GZIPInputStream(raw, 1 << 16) : new BufferedInputStream(raw, 1 << 16));
            CheckedInputStream checked = new CheckedInputStream(counting, new Adler32());
            // A plain file cannot hold a value longer than itself: damage never becomes a huge allocation.
            In in = new In(checked, mode.isEmpty() ? Files.size(file) : MAX_LENGTH);
            try {
                return parse(file, zxid, in, checked);
            } catch (EOFException e) {
                throw new CorruptStorageException(
                        file + ": ends early at offset " + counting.count() + where(mode) + " (truncated snapshot)", e);
            } catch (CorruptStorageException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new CorruptStorageException(
                        file + ": unreadable at offset " + counting.count() + where(mode) + ": " + e.getMessage(), e);
            }
        }
    }

    private static String where(String mode) {
        return mode.isEmpty() ? "" : " of the uncompressed stream";
    }

    private static Content parse(Path file, long zxid, In in, CheckedInputStream checked) throws IOException {
        int magic = in.readInt();
        int version = in.readInt();
        in.readLong(); // dbid
        if (magic != MAGIC) {
            throw new CorruptStorageException(file + ": not a ZooKeeper snapshot (magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + " \"ZKSN\")");
        }
        if (version != 2) {
            throw new CorruptStorageException(file + ": ZooKeeper snapshot version " + version + ", expected 2");
        }
        int count = in.readInt();
        if (count < 0) {
            throw new CorruptStorageException(file + ": negative session count " + count);
        }
        Map<Long, Integer> sessions = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            sessions.put(in.readLong(), in.readInt());
        }
        Map<Long, List<Acl>> acls = readAcls(file, in);
        TreeBuilder tree = new TreeBuilder();
        for (String path = readString(in); !"/".equals(path); path = readString(in)) {
            if (path == null) {
                throw new CorruptStorageException(file + ": a node without a path");
            }
            byte[] data = JuteStreams.readBuffer(in, in.limit);
            long aclRef = in.readLong();
            List<Acl> acl = aclRef == -1 ? Acl.OPEN_ACL_UNSAFE : acls.get(aclRef);
            if (acl == null) {
                throw new CorruptStorageException(file + ": node " + path + " refers to ACL " + aclRef
                        + " which the snapshot's ACL table does not hold");
            }
            tree.add(path.isEmpty() ? "/" : path, data, acl, StatPersisted.read(in));
        }
        checkSeal(file, checked.getChecksum().getValue(), in);
        long running = checked.getChecksum().getValue();
        byte[] rest = in.readAllBytes();
        checkTrailer(file, rest, running);
        return new Content(file, zxid, tree.finish(zxid), sessions);
    }

    private static Map<Long, List<Acl>> readAcls(Path file, In in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new CorruptStorageException(file + ": negative ACL table size " + n);
        }
        Map<Long, List<Acl>> acls = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long ref = in.readLong();
            int size = in.readInt();
            if (size < -1 || size > in.limit / 12) { // an ACL takes at least 12 bytes
                throw new CorruptStorageException(file + ": ACL " + ref + " has " + size + " entries");
            }
            List<Acl> list = new ArrayList<>(Math.max(size, 0));
            for (int j = 0; j < size; j++) {
                int perms = in.readInt();
                list.add(new Acl(perms, new Id(readString(in), readString(in))));
            }
            acls.put(ref, List.copyOf(list));
        }
        return acls;
    }

    private static void checkSeal(Path file, long expected, In in) throws IOException {
        long val = in.readLong();
        String slash = readString(in);
        if (val != expected || !"/".equals(slash)) {
            throw new CorruptStorageException(file + ": checksum mismatch (Adler-32 0x" + Long.toHexString(expected)
                    + " computed, 0x" + Long.toHexString(val) + " stored): the snapshot is damaged");
        }
    }

    /** The optional digest and last-zxid sections after the first seal, told apart by their sizes. */
    private static void checkTrailer(Path file, byte[] rest, long running) throws IOException {
        int pos = 0;
        if (rest.length > 8 + SEAL_BYTES) {
            ByteBuffer b = ByteBuffer.wrap(rest);
            b.getLong(); // zxid of the digest
            int digestVersion = b.getInt();
            if (digestVersion < 2) {
                int len = b.getInt();
                if (len > 0) {
                    b.position(b.position() + len);
                }
            } else {
                b.getLong();
            }
            running = sealAt(file, rest, 0, b.position(), running, "digest");
            pos = b.position() + SEAL_BYTES;
        }
        if (rest.length - pos == 8 + SEAL_BYTES) {
            sealAt(file, rest, pos, pos + 8, running, "last processed zxid");
            pos += 8 + SEAL_BYTES;
        }
        if (pos != rest.length) {
            throw new CorruptStorageException(file + ": " + (rest.length - pos) + " unexpected bytes after the seal");
        }
    }

    /**
     * Verifies the seal at rest[at], {@code running} being the checksum of the stream up to rest[from]; returns
     * the checksum running past the seal.
     */
    private static long sealAt(Path file, byte[] rest, int from, int at, long running, String what) throws IOException {
        if (at + SEAL_BYTES > rest.length) {
            throw new CorruptStorageException(file + ": the " + what + " section is cut short");
        }
        long expected = Adler.update(running, rest, from, at - from);
        ByteBuffer b = ByteBuffer.wrap(rest, at, SEAL_BYTES);
        long val = b.getLong();
        if (val != expected || b.getInt() != 1 || b.get() != '/') {
            throw new CorruptStorageException(file + ": checksum mismatch after the " + what + " section");
        }
        return Adler.update(expected, rest, at, SEAL_BYTES);
    }

    /** The stream, and the longest value it can hold. */
    private static final class In extends DataInputStream {
        final long limit;

        In(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }
    }

    private static String readString(In in) throws IOException {
        return JuteStreams.readString(in, in.limit);
    }
}
