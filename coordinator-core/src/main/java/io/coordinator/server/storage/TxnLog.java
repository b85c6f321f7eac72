package io.coordinator.server.storage;

import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log: a directory of segment files {@code log.<first zxid, 16 hex digits>} (format in
 * {@link io.coordinator.server.storage package-info}).
 *
 * <p>{@link #append} only buffers; nothing is durable until {@link #sync} returns. All methods are
 * synchronized, so a reader (e.g. ZAB sync to a follower) may use the log while one writer appends, but
 * callers normally drive appends through a single thread ({@link GroupCommitLog}).
 *
 * <p>After any IOException while writing or syncing the log is <em>failed</em>: every later call throws, and
 * nothing is retried (after a failed fsync the kernel may have dropped the dirty pages, so a retry that
 * succeeds proves nothing). The server must stop and recover from disk.
 */
public final class TxnLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLog.class);
    private static final int FLUSH_THRESHOLD = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);
    private static final String TMP_SUFFIX = ".tmp";

    private static final class Segment {
        final Path path;
        final long firstZxid;
        final long prevZxid;
        long lastZxid;
        long count;
        long end;

        Segment(Path path, long firstZxid, long prevZxid, long lastZxid, long count, long end) {
            this.path = path;
            this.firstZxid = firstZxid;
            this.prevZxid = prevZxid;
            this.lastZxid = lastZxid;
            this.count = count;
            this.end = end;
        }
    }

    private final Path dir;
    private final LogOptions options;
    private final StorageFaults faults;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment current;
    private FileChannel channel;
    private long writePos;
    private long fileSize;
    private boolean metadataDirty;
    private ByteBuffer pending = ByteBuffer.allocate(1 << 16);
    private long lastZxid;
    private long baseZxid;
    private long durableZxid;
    /** Counts truncations, purges and advances: what an open iterator saw may be gone ({@link #cuts}). */
    private long cuts;

    private boolean closed;
    private IOException failure;

    private TxnLog(Path dir, LogOptions options) {
        this.dir = dir;
        this.options = options;
        this.faults = options.faults();
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, validating every segment. A torn or corrupt tail of
     * the last segment is cut at the last good record (WARN); any other damage is a
     * {@link CorruptStorageException}.
     */
    public static TxnLog open(Path dir, LogOptions options) throws IOException {
        Files.createDirectories(dir);
        TxnLog log = new TxnLog(dir, options);
        log.load();
        return log;
    }

    private void load() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                long z = SegmentFormat.parseName(name);
                if (z >= 0) {
                    files.put(z, p);
                } else if (name.endsWith(TMP_SUFFIX)
                        && SegmentFormat.parseName(name.substring(0, name.length() - 4)) >= 0) {
                    LOG.info("Deleting log segment {} that was being created when the server stopped", p);
                    FileUtil.delete(p, faults);
                }
            }
        }
        long emptyTailPrev = 0;
        Segment prev = null;
        int i = 0;
        for (var e : files.entrySet()) {
            boolean last = ++i == files.size();
            Path path = e.getValue();
            long size = Files.size(path);
            Segment seg;
            SegmentFormat.BadRecord bad = null;
            try (SegmentFormat.Reader r = new SegmentFormat.Reader(path, size, options.maxRecordBytes())) {
                SegmentFormat.Header h;
                try {
                    h = r.readHeader(e.getKey());
                } catch (SegmentFormat.BadRecord b) {
                    if (last && b.torn) {
                        LOG.warn(
                                "Deleting log segment {} with a torn header ({}): it was being created when the"
                                        + " server stopped and holds no synced records",
                                path,
                                b.getMessage());
                        FileUtil.delete(path, faults);
                        FileUtil.fsyncDirectory(dir, faults);
                        emptyTailPrev = prev != null ? prev.lastZxid : 0;
                        break;
                    }
                    throw corrupt(path, b, last);
                }
                try {
                    while (r.next() != null) {
                        // validate every record
                    }
                } catch (SegmentFormat.BadRecord b) {
                    if (!last || !b.torn) {
                        throw corrupt(path, b, last);
                    }
                    bad = b;
                }
                seg = new Segment(
                        path,
                        h.firstZxid(),
                        h.prevZxid(),
                        r.count() == 0 ? h.prevZxid() : r.lastZxid(),
                        r.count(),
                        r.validEnd());
            }
            if (prev != null && seg.prevZxid != prev.lastZxid) {
                throw new CorruptStorageException("Transaction log " + dir + " is inconsistent: segment " + path
                        + " says it follows zxid 0x" + Long.toHexString(seg.prevZxid) + " but the previous segment "
                        + prev.path + " ends at zxid 0x" + Long.toHexString(prev.lastZxid)
                        + " (a segment is missing or was damaged); refusing to start. Restore the data directory"
                        + " from a backup or re-sync this server from the ensemble.");
            }
            if (last) {
                if (bad != null) {
                    LOG.warn(
                            "Log segment {} has a torn or corrupt tail at offset {} ({}); truncating it to the last"
                                    + " good record (zxid 0x{}; file cut from {} to {} bytes, preallocated zeros included)."
                                    + " Unsynced writes are lost, as expected after a crash.",
                            path,
                            bad.offset,
                            bad.getMessage(),
                            Long.toHexString(seg.lastZxid),
                            size,
                            seg.end);
                } else if (SegmentFormat.hasNonZero(path, seg.end)) {
                    LOG.warn(
                            "Log segment {} has non-zero bytes after its end marker at offset {} (an unsynced"
                                    + " partial write); discarding them",
                            path,
                            seg.end);
                    bad = new SegmentFormat.BadRecord(seg.end, true, "stale bytes");
                }
                if (seg.count == 0) {
                    LOG.info("Deleting log segment {} that holds no records", path);
                    FileUtil.delete(path, faults);
                    FileUtil.fsyncDirectory(dir, faults);
                    emptyTailPrev = seg.prevZxid;
                    break;
                }
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                fileSize = channel.size();
                if (bad != null) {
                    // cut the tail so nothing stale can ever line up behind new records
                    channel.truncate(seg.end);
                    fileSize = seg.end;
                }
                if (bad != null || !PlantedBug.LOG_OPEN_SKIPS_FSYNC) {
                    // records a killed process left in the page cache read like synced ones, and ZAB takes what
                    // the log holds as durable (votes, FOLLOWERINFO, a new leader's own ack): make it so
                    faults.beforeSync(path);
                    channel.force(true);
                }
                writePos = seg.end;
                current = seg;
            }
            segments.put(seg.firstZxid, seg);
            prev = seg;
        }
        if (segments.isEmpty()) {
            lastZxid = emptyTailPrev;
            baseZxid = emptyTailPrev;
        } else {
            lastZxid = segments.lastEntry().getValue().lastZxid;
            baseZxid = segments.firstEntry().getValue().prevZxid;
        }
        durableZxid = lastZxid;
        LOG.info(
                "Opened transaction log {}: {} segment(s), zxids (0x{}, 0x{}]",
                dir,
                segments.size(),
                Long.toHexString(baseZxid),
                Long.toHexString(lastZxid));
    }

    private CorruptStorageException corrupt(Path path, SegmentFormat.BadRecord b, boolean last) {
        String why = last
                ? "this cannot be a torn write (headers are fsynced before any record is written, and a"
                        + " record with a valid CRC was written completely)"
                : "it is not the last segment, so acknowledged transactions follow the damage";
        return new CorruptStorageException("Transaction log segment " + path + " is corrupt at offset " + b.offset
                + ": " + b.getMessage() + "; " + why + ". Refusing to start: restore the data directory from a"
                + " backup or re-sync this server from the ensemble.");
    }

    /** Frames a record: int body length, int CRC32C (of the length bytes and body), body (jute). */
    static byte[] encode(TxnRecord record) {
        JuteWriter w = new JuteWriter(256);
        w.writeInt(0).writeInt(0);
        record.write(w);
        byte[] b = w.toByteArray();
        int len = b.length - SegmentFormat.RECORD_OVERHEAD;
        ByteBuffer.wrap(b).putInt(0, len);
        ByteBuffer.wrap(b).putInt(4, SegmentFormat.recordCrc(b, 0, len));
        return b;
    }

    /** Buffers a record; it is durable only after {@link #sync()}. zxids must be strictly increasing. */
    public synchronized void append(TxnRecord record) throws IOException {
        appendEncoded(record.zxid(), encode(record));
    }

    synchronized void appendEncoded(long zxid, byte[] framed) throws IOException {
        checkUsable();
        if (zxid <= lastZxid) {
            throw new IllegalStateException("zxid 0x" + Long.toHexString(zxid) + " is not greater than the last"
                    + " zxid 0x" + Long.toHexString(lastZxid));
        }
        if (framed.length - SegmentFormat.RECORD_OVERHEAD > options.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + framed.length + " bytes exceeds maxRecordBytes");
        }
        try {
            if (current != null && shouldRoll()) {
                rollInternal();
            }
            if (current == null) {
                createSegment(zxid);
            }
            if (pending.remaining() < framed.length) {
                if (pending.position() > 0) {
                    flushPending();
                }
                if (pending.capacity() < framed.length) {
                    pending = ByteBuffer.allocate(framed.length);
                }
            }
            pending.put(framed);
            current.count++;
            current.lastZxid = zxid;
            lastZxid = zxid;
            if (pending.position() >= FLUSH_THRESHOLD) {
                flushPending();
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Writes everything appended and forces it to disk. When this returns, all appended records are durable. */
    public synchronized void sync() throws IOException {
        checkUsable();
        try {
            if (!PlantedBug.LOG_SYNC_WITHOUT_FLUSH) {
                flushPending();
            }
            if (channel != null && !PlantedBug.LOG_SYNC_SKIPS_FSYNC) {
                faults.beforeSync(current.path);
                channel.force(metadataDirty);
                metadataDirty = false;
            }
            durableZxid = lastZxid;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private boolean shouldRoll() {
        return current.count >= options.maxSegmentTxns() || writePos + pending.position() >= options.maxSegmentBytes();
    }

    /** Closes the current segment (after syncing it) if it reached the size or txn-count limit. */
    public synchronized void rollIfNeeded() throws IOException {
        checkUsable();
        if (current != null && shouldRoll()) {
            try {
                rollInternal();
            } catch (IOException e) {
                throw fail(e);
            }
        }
    }

    /** Syncs and closes the current segment; the next append starts a new one. */
    public synchronized void roll() throws IOException {
        checkUsable();
        if (current != null) {
            try {
                rollInternal();
            } catch (IOException e) {
                throw fail(e);
            }
        }
    }

    private void rollInternal() throws IOException {
        flushPending();
        faults.beforeSync(current.path);
        channel.force(metadataDirty);
        metadataDirty = false;
        durableZxid = lastZxid;
        channel.close();
        channel = null;
        current = null;
    }

    /**
     * Creates the next segment atomically: its preallocated space and header are written and fsynced under a temp
     * name, then renamed into place and the directory fsynced. So a segment that has its name always has a durable,
     * valid header, and a damaged header is never a power cut's doing: recovery can refuse it safely.
     */
    private void createSegment(long firstZxid) throws IOException {
        Path p = dir.resolve(SegmentFormat.fileName(firstZxid));
        Path tmp =
                PlantedBug.SEGMENT_CREATED_IN_PLACE ? p : dir.resolve(SegmentFormat.fileName(firstZxid) + TMP_SUFFIX);
        Files.deleteIfExists(tmp);
        FileChannel ch =
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Segment seg = new Segment(p, firstZxid, lastZxid, lastZxid, 0, SegmentFormat.HEADER_SIZE);
            channel = ch;
            current = seg;
            fileSize = 0;
            writePos = 0;
            ensureAllocated(SegmentFormat.HEADER_SIZE + 1);
            ByteBuffer h = SegmentFormat.encodeHeader(firstZxid, lastZxid);
            faults.beforeWrite(tmp, 0, h.remaining());
            while (h.hasRemaining()) {
                writePos += ch.write(h, writePos);
            }
            faults.beforeSync(tmp);
            ch.force(true);
            metadataDirty = false;
            if (!PlantedBug.SEGMENT_CREATED_IN_PLACE) {
                FileUtil.atomicMove(tmp, p, faults);
            }
            FileUtil.fsyncDirectory(dir, faults);
            segments.put(firstZxid, seg);
        } catch (IOException e) {
            channel = null;
            current = null;
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private void ensureAllocated(long needed) throws IOException {
        if (needed <= fileSize) {
            return;
        }
        long step = options.preallocateBytes();
        long newSize = ((needed + step - 1) / step) * step;
        long pos = fileSize;
        faults.beforeWrite(current.path, pos, (int) Math.min(Integer.MAX_VALUE, newSize - pos));
        while (pos < newSize) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(z.capacity(), newSize - pos));
            pos += channel.write(z, pos);
        }
        fileSize = newSize;
        metadataDirty = true;
    }

    private void flushPending() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        int n = pending.remaining();
        ensureAllocated(writePos + n);
        faults.beforeWrite(current.path, writePos, n);
        while (pending.hasRemaining()) {
            writePos += channel.write(pending, writePos);
        }
        pending.clear();
        current.end = writePos;
    }

    /**
     * Drops every record with a zxid greater than {@code zxid} (ZAB's TRUNC). Durable when it returns. Whole
     * later segments are deleted newest-first; the segment holding {@code zxid} is cut and its tail removed.
     */
    public synchronized void truncateAfter(long zxid) throws IOException {
        checkUsable();
        try {
            flushPending();
            if (zxid >= lastZxid) {
                sync();
                return;
            }
            boolean deleted = false;
            for (Segment s : new ArrayList<>(segments.descendingMap().values())) {
                if (s.firstZxid <= zxid) {
                    break;
                }
                if (s == current) {
                    channel.close();
                    channel = null;
                    current = null;
                }
                FileUtil.delete(s.path, faults);
                segments.remove(s.firstZxid);
                deleted = true;
            }
            if (deleted) {
                FileUtil.fsyncDirectory(dir, faults);
            }
            var lastEntry = segments.lastEntry();
            if (lastEntry == null) {
                lastZxid = zxid;
                baseZxid = zxid;
            } else {
                Segment s = lastEntry.getValue();
                if (s.lastZxid > zxid) {
                    cutSegment(s, zxid);
                }
                lastZxid = s.lastZxid;
            }
            durableZxid = lastZxid;
            cuts++;
            LOG.info("Truncated transaction log {} after zxid 0x{}", dir, Long.toHexString(zxid));
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private void cutSegment(Segment s, long zxid) throws IOException {
        long cut;
        long kept = 0;
        long last = s.prevZxid;
        try (SegmentFormat.Reader r = new SegmentFormat.Reader(s.path, s.end, options.maxRecordBytes())) {
            r.readHeader(s.firstZxid);
            while (true) {
                long before = r.validEnd();
                var rec = r.next();
                if (rec == null || rec.zxid() > zxid || (PlantedBug.TRUNC_ONE_TOO_MANY && rec.zxid() == zxid)) {
                    cut = before;
                    break;
                }
                kept++;
                last = rec.zxid();
            }
        } catch (SegmentFormat.BadRecord b) {
            throw new CorruptStorageException(
                    "segment " + s.path + " became unreadable at offset " + b.offset + ": " + b.getMessage());
        }
        if (s != current) {
            if (channel != null) {
                channel.close();
            }
            channel = FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            current = s;
        }
        faults.beforeSync(s.path);
        channel.truncate(cut);
        channel.force(true);
        fileSize = cut;
        writePos = cut;
        metadataDirty = false;
        s.end = cut;
        s.count = kept;
        s.lastZxid = last;
        if (kept == 0) {
            channel.close();
            channel = null;
            current = null;
            FileUtil.delete(s.path, faults);
            segments.remove(s.firstZxid);
            FileUtil.fsyncDirectory(dir, faults);
            if (segments.isEmpty()) {
                baseZxid = s.prevZxid;
            }
        }
    }

    /**
     * Deletes whole segments whose records are all needed by nobody once a snapshot at {@code zxid} exists:
     * a segment is deleted only if the next segment starts at or before {@code zxid}, so the segment holding
     * {@code zxid} (and everything after) is kept. The current segment is never deleted.
     */
    public synchronized void purgeBefore(long zxid) throws IOException {
        checkUsable();
        List<Segment> list = new ArrayList<>(segments.values());
        int deleted = 0;
        for (int i = 0; i + 1 < list.size(); i++) {
            Segment s = list.get(i);
            if (s == current || list.get(i + 1).firstZxid > zxid) {
                break;
            }
            FileUtil.delete(s.path, faults);
            segments.remove(s.firstZxid);
            deleted++;
        }
        if (deleted > 0) {
            try {
                FileUtil.fsyncDirectory(dir, faults);
            } catch (IOException e) {
                throw fail(e);
            }
            baseZxid = segments.firstEntry().getValue().prevZxid;
            cuts++;
            LOG.info("Purged {} log segment(s) before zxid 0x{} from {}", deleted, Long.toHexString(zxid), dir);
        }
    }

    /**
     * Declares that state up to {@code zxid} comes from elsewhere (a snapshot newer than the whole log, e.g.
     * after a full snapshot transfer from the leader): every segment (they hold only older txns, all covered
     * by that state) is deleted, and the next segment records {@code zxid} as its predecessor. This keeps the
     * log gap-free: if that snapshot is later lost, recovery from an older one fails loudly instead of
     * silently skipping the txns in between. Does nothing if {@code zxid} is not above {@link #lastZxid()}.
     */
    public synchronized void advanceTo(long zxid) throws IOException {
        checkUsable();
        if (zxid <= lastZxid) {
            return;
        }
        try {
            flushPending();
            if (channel != null) {
                channel.close();
                channel = null;
                current = null;
            }
            for (Segment s : new ArrayList<>(segments.values())) {
                FileUtil.delete(s.path, faults);
                segments.remove(s.firstZxid);
            }
            FileUtil.fsyncDirectory(dir, faults);
        } catch (IOException e) {
            throw fail(e);
        }
        LOG.info(
                "Transaction log {} now continues after zxid 0x{}; older segments were dropped",
                dir,
                Long.toHexString(zxid));
        lastZxid = zxid;
        baseZxid = zxid;
        durableZxid = zxid;
        cuts++;
    }

    int maxRecordBytes() {
        return options.maxRecordBytes();
    }

    /** The zxid of the last appended record (durable or not), or the base zxid if the log is empty. */
    public synchronized long lastZxid() {
        return lastZxid;
    }

    /** The zxid of the last record known durable (synced). */
    public synchronized long durableZxid() {
        return durableZxid;
    }

    /** Every record with a zxid greater than this is in the log (it is 0 unless segments were purged). */
    public synchronized long baseZxid() {
        return baseZxid;
    }

    /**
     * How many times records were removed from the log (truncated, purged, or dropped by {@link #advanceTo}):
     * an iterator opened before the count changed may return records the log no longer holds.
     */
    public synchronized long cuts() {
        return cuts;
    }

    /** First zxids of the segments, oldest first. */
    public synchronized List<Long> segmentZxids() {
        return new ArrayList<>(segments.keySet());
    }

    public Path directory() {
        return dir;
    }

    /**
     * Records with zxid &gt; {@code afterZxid}, oldest first, across segments; includes appended but unsynced
     * records (they are written to the OS first). Close the iterator when done. A concurrent purge of a
     * segment not yet opened by the iterator makes it fail with an UncheckedIOException.
     */
    public synchronized LogIterator read(long afterZxid) throws IOException {
        checkUsable();
        try {
            flushPending();
        } catch (IOException e) {
            throw fail(e);
        }
        List<Segment> refs = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s.lastZxid > afterZxid && s.count > 0) {
                refs.add(new Segment(s.path, s.firstZxid, s.prevZxid, s.lastZxid, s.count, s.end));
            }
        }
        return new LogIterator(refs, afterZxid, options.maxRecordBytes());
    }

    /** {@link #read} as a stream; close it (try-with-resources) to release the file. */
    public Stream<TxnRecord> stream(long afterZxid) throws IOException {
        LogIterator it = read(afterZxid);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(it::close);
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IllegalStateException("transaction log " + dir + " is closed");
        }
        if (failure != null) {
            throw new IOException("transaction log " + dir + " failed earlier; restart the server", failure);
        }
    }

    private IOException fail(IOException cause) {
        if (failure == null) {
            // name the file: a full disk's IOException says only "No space left on device"
            Path where = current != null ? current.path : dir;
            IOException e =
                    new IOException("Cannot write the transaction log " + where + ": " + cause.getMessage(), cause);
            failure = e;
            LOG.error("Transaction log {} failed; no further writes are accepted", dir, e);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
                channel = null;
            }
        }
        return failure;
    }

    /**
     * Closes without writing or syncing anything more, as a process that dies leaves the log: records still buffered
     * are gone, those written but not synced are at the mercy of the disk. For crash and power-loss tests.
     */
    synchronized void abandon() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** Syncs (unless the log failed) and closes. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                sync();
            }
        } finally {
            closed = true;
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }

    /** Iterates log records across segments; must be closed. */
    public static final class LogIterator implements Iterator<TxnRecord>, AutoCloseable {
        private final List<Segment> segs;
        private final long afterZxid;
        private final int maxRecordBytes;
        private int index;
        private SegmentFormat.Reader reader;
        private TxnRecord next;

        private LogIterator(List<Segment> segs, long afterZxid, int maxRecordBytes) {
            this.segs = segs;
            this.afterZxid = afterZxid;
            this.maxRecordBytes = maxRecordBytes;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (reader == null) {
                        if (index >= segs.size()) {
                            return false;
                        }
                        Segment s = segs.get(index++);
                        reader = new SegmentFormat.Reader(s.path, s.end, maxRecordBytes);
                        reader.readHeader(s.firstZxid);
                    }
                    TxnRecord r = reader.next();
                    if (r == null) {
                        reader.close();
                        reader = null;
                    } else if (r.zxid() > afterZxid) {
                        next = r;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SegmentFormat.BadRecord b) {
                throw new UncheckedIOException(new CorruptStorageException(
                        "log segment " + reader.path() + " is corrupt at offset " + b.offset + ": " + b.getMessage()));
            }
        }

        @Override
        public TxnRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            TxnRecord r = next;
            next = null;
            return r;
        }

        @Override
        public void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // read-only
                }
                reader = null;
            }
            index = segs.size();
        }
    }
}
