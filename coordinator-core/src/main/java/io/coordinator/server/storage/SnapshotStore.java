package io.coordinator.server.storage;

import io.coordinator.server.planted.PlantedBug;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of snapshots {@code snapshot.<zxid, 16 hex digits>} (format in package-info). Writes go to a
 * temp file that is fsynced, atomically renamed and followed by a directory fsync, so a snapshot file either
 * is complete or does not exist. {@link #write} is safe to call from a background thread while the log keeps
 * going; the caller provides a fuzzy view and replays the log from the snapshot zxid on recovery.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    static final int MAGIC = 0x43534E50; // "CSNP"
    static final int END_MAGIC = 0x43534E45; // "CSNE"
    static final int VERSION = 1;
    static final int HEADER_SIZE = 16;
    static final int TRAILER_SIZE = 16;
    static final String PREFIX = "snapshot.";
    static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    private final StorageFaults faults;
    private final Object renameLock = new Object();

    public SnapshotStore(Path dir) throws IOException {
        this(dir, StorageFaults.NONE);
    }

    public SnapshotStore(Path dir, StorageFaults faults) throws IOException {
        this.dir = dir;
        this.faults = faults == null ? StorageFaults.NONE : faults;
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX) && n.endsWith(TMP_SUFFIX)) {
                    LOG.info("Deleting unfinished snapshot {}", p);
                    FileUtil.delete(p, this.faults);
                }
            }
        }
    }

    public Path directory() {
        return dir;
    }

    static String fileName(long zxid) {
        return PREFIX + FileUtil.hex(zxid);
    }

    /** Writes a complete, durable snapshot for {@code zxid}. When this returns it survives a crash. */
    public void write(long zxid, SnapshotContent content) throws IOException {
        Path fin = dir.resolve(fileName(zxid));
        Path tmp = dir.resolve(fileName(zxid) + "." + Thread.currentThread().getId() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            faults.beforeWrite(tmp, 0, 0);
            BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            CrcOutputStream crcOut = new CrcOutputStream(buffered);
            DataOutputStream out = new DataOutputStream(crcOut);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(zxid);
            content.writeTo(out);
            out.flush();
            DataOutputStream trailer = new DataOutputStream(buffered);
            trailer.writeLong(crcOut.count);
            trailer.writeInt((int) crcOut.crc.getValue());
            trailer.writeInt(END_MAGIC);
            trailer.flush();
            faults.beforeSync(tmp);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp); // not through the hook: a failing hook must not hide the first failure
            if (e instanceof IOException io) {
                throw new IOException("Cannot write snapshot " + tmp + ": " + io.getMessage(), io);
            }
            throw e;
        }
        synchronized (renameLock) {
            try {
                FileUtil.atomicMove(tmp, fin, faults);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw new IOException("Cannot rename snapshot " + tmp + " to " + fin + ": " + e.getMessage(), e);
            }
            try {
                if (!PlantedBug.SNAPSHOT_SKIPS_DIR_FSYNC) {
                    FileUtil.fsyncDirectory(dir, faults);
                }
            } catch (IOException e) {
                throw new IOException("Cannot fsync " + dir + " after writing " + fin + ": " + e.getMessage(), e);
            }
        }
        LOG.info("Wrote snapshot {} ({} bytes)", fin, Files.size(fin));
    }

    /** zxids of the snapshot files present (not yet verified), oldest first. */
    public List<Long> snapshotZxids() throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX) && n.length() == PREFIX.length() + 16) {
                    try {
                        out.add(Long.parseUnsignedLong(n.substring(PREFIX.length()), 16));
                    } catch (NumberFormatException ignored) {
                        // not ours
                    }
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    /**
     * Loads the newest valid snapshot. Each candidate's trailer, CRC and header are verified before the
     * loader sees a byte; an invalid one (or one the loader rejects or does not read completely) is skipped
     * with a WARN and the next older one is tried.
     */
    public <T> Optional<LoadedSnapshot<T>> loadLatest(SnapshotLoader<T> loader) throws IOException {
        List<Long> zxids = snapshotZxids();
        Collections.reverse(zxids);
        for (long z : zxids) {
            Path p = dir.resolve(fileName(z));
            try {
                T value = load(p, z, loader);
                LOG.info("Loaded snapshot {}", p);
                return Optional.of(new LoadedSnapshot<>(z, value, p));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping invalid snapshot {}: {}; trying an older one", p, e.toString());
            }
        }
        return Optional.empty();
    }

    <T> T load(Path p, long zxid, SnapshotLoader<T> loader) throws IOException {
        long size = Files.size(p);
        if (size < HEADER_SIZE + TRAILER_SIZE) {
            throw new CorruptStorageException("file of " + size + " bytes is too short");
        }
        ByteBuffer tr = ByteBuffer.allocate(TRAILER_SIZE);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            while (tr.hasRemaining()) {
                if (ch.read(tr, size - TRAILER_SIZE + tr.position()) < 0) {
                    throw new CorruptStorageException("unexpected end of file");
                }
            }
        }
        tr.flip();
        long len = tr.getLong();
        int crc = tr.getInt();
        int end = tr.getInt();
        if (end != END_MAGIC) {
            throw new CorruptStorageException("missing trailer (incomplete snapshot)");
        }
        if (len != size - TRAILER_SIZE) {
            throw new CorruptStorageException("trailer length " + len + " does not match file size " + size);
        }
        CRC32C c = new CRC32C();
        try (InputStream in = new LimitedInputStream(Files.newInputStream(p), len)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                c.update(b, 0, n);
            }
        }
        if ((int) c.getValue() != crc) {
            throw new CorruptStorageException("CRC mismatch");
        }
        try (LimitedInputStream lim = new LimitedInputStream(Files.newInputStream(p), len);
                DataInputStream in = new DataInputStream(new BufferedInputStream(lim, 1 << 16))) {
            int magic = in.readInt();
            int version = in.readInt();
            long z = in.readLong();
            if (magic != MAGIC) {
                throw new CorruptStorageException("bad magic 0x" + Integer.toHexString(magic));
            }
            if (version != VERSION) {
                throw new CorruptStorageException("unsupported snapshot version " + version);
            }
            if (z != zxid) {
                throw new CorruptStorageException("header zxid 0x" + Long.toHexString(z) + " does not match the name");
            }
            T value = loader.readFrom(in);
            if (in.read() != -1) {
                throw new CorruptStorageException("loader did not consume the whole snapshot body");
            }
            return value;
        }
    }

    /**
     * Keeps the newest {@code count} snapshots and deletes older ones. Returns the oldest kept zxid (logs
     * before it may then be purged with {@link TxnLog#purgeBefore}), or empty if there is no snapshot.
     */
    public OptionalLong retain(int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("must retain at least one snapshot");
        }
        synchronized (renameLock) {
            List<Long> zxids = snapshotZxids();
            if (zxids.isEmpty()) {
                return OptionalLong.empty();
            }
            int drop = Math.max(0, zxids.size() - count);
            for (int i = 0; i < drop; i++) {
                Path p = dir.resolve(fileName(zxids.get(i)));
                LOG.info("Deleting old snapshot {}", p);
                FileUtil.delete(p, faults);
            }
            if (drop > 0) {
                FileUtil.fsyncDirectory(dir, faults);
            }
            return OptionalLong.of(zxids.get(drop));
        }
    }

    private static final class CrcOutputStream extends FilterOutputStream {
        final CRC32C crc = new CRC32C();
        long count;

        CrcOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the channel is closed by the owner
        }
    }

    private static final class LimitedInputStream extends FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
