package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Epochs;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A simulated disk: a log whose first {@code durableCount} records are fsynced, the epochs (durable when written)
 * and the last snapshot (durable when written). Survives crashes; the node's memory does not. What a crash does to
 * the unsynced tail of the log is a {@link CrashMode}, chosen per crash.
 */
final class SimDisk implements ZabLog {
    static final int PAGE = 4096;

    /**
     * What a crash does to the records written since the last fsync. The power-loss modes leave what the real
     * {@code TxnLog}'s recovery would keep of them (it cuts at the first torn or zeroed record): that part is on the
     * disk now, so durable after the restart, though the node never acknowledged it.
     */
    enum CrashMode {
        /** Power loss: none of them reached the disk. */
        DROP_ALL,
        /** Power loss: a random in-order prefix of them reached the disk, each record whole. */
        KEEP_PREFIX,
        /** Power loss: a prefix reached the disk, its last record torn; recovery drops that one (its CRC fails). */
        TORN_LAST,
        /** Power loss: a page of the unsynced region reads as zeros; recovery stops there, so the rest is lost. */
        ZERO_PAGE,
        /**
         * The process dies (SIGKILL) and the OS keeps its page cache: all of them survive, still not durable. The
         * real {@code TxnLog} forces its last segment when it opens, so they are durable once the node restarts.
         */
        KILL
    }

    /**
     * A deliberately wrong disk model, to prove that the simulation catches the storage bug it stands for (the
     * planted-bug harness for the simulator): never set outside {@code ZabPowerLossFlawTest}.
     */
    enum Flaw {
        NONE,
        /** A restart trusts records that only the page cache held (TxnLog.open without its force). */
        OPEN_SKIPS_FSYNC,
        /** Recovery keeps a torn record (garbled) instead of cutting the log before it. */
        TORN_RECORD_KEPT
    }

    /** What a {@link #crash} did: the mode, unsynced records kept, and whether one was torn. */
    record CrashResult(CrashMode mode, int unsynced, int kept, boolean torn) {}

    final List<TxnRecord> log = new ArrayList<>();
    final List<Long> appendSeqs = new ArrayList<>(); // when each record was written (for fsyncs in flight)
    long appendCounter;
    int durableCount;
    long base; // zxid the log continues from (after a snapshot reset)
    Epochs epochs = Epochs.INITIAL;
    ZabConfig config; // the newest committed config a Ready persisted (null: none yet)
    byte[] snapshot;
    long snapshotZxid;
    final Flaw flaw;

    SimDisk() {
        this(Flaw.NONE);
    }

    SimDisk(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public long lastZxid() {
        return log.isEmpty() ? base : log.get(log.size() - 1).zxid();
    }

    long durableZxid() {
        return durableCount == 0 ? base : log.get(durableCount - 1).zxid();
    }

    @Override
    public long firstZxid() {
        return log.isEmpty() ? 0 : log.get(0).zxid();
    }

    @Override
    public List<TxnRecord> read(long afterZxid, int max) {
        int i = indexAfter(afterZxid);
        int end = Math.min(log.size(), i + max);
        return i >= end ? List.of() : new ArrayList<>(log.subList(i, end));
    }

    /** Index of the first record with zxid > z. */
    private int indexAfter(long z) {
        int lo = 0;
        int hi = log.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (log.get(mid).zxid() <= z) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    void append(TxnRecord r) {
        if (r.zxid() <= lastZxid()) {
            throw new AssertionError("log append out of order: " + Long.toHexString(r.zxid()) + " after "
                    + Long.toHexString(lastZxid()));
        }
        log.add(r);
        appendSeqs.add(++appendCounter);
    }

    void truncateAfter(long z) {
        cutTo(indexAfter(z));
        durableCount = log.size(); // like TxnLog.truncateAfter: the surviving log is fsynced
    }

    /** Drops records at or before z (covered by a durable snapshot). */
    void dropThrough(long z) {
        int i = indexAfter(z);
        if (i > 0) {
            log.subList(0, i).clear();
            appendSeqs.subList(0, i).clear();
            durableCount = Math.max(0, durableCount - i);
        }
        base = Math.max(base, z);
    }

    void fsyncAll() {
        durableCount = log.size();
    }

    /** Whether the record now under {@code zxid} was written after {@code seq} (after an fsync began). */
    boolean writtenAfter(long zxid, long seq) {
        int i = indexAfter(zxid) - 1;
        return i >= 0 && log.get(i).zxid() == zxid && appendSeqs.get(i) > seq;
    }

    /** An fsync that began when {@code appendCounter} was {@code seq} completes: what was written by then is durable. */
    void fsyncWrittenBy(long seq) {
        int k = durableCount;
        while (k < log.size() && appendSeqs.get(k) <= seq) {
            k++;
        }
        durableCount = k;
    }

    /** A crash in a mode chosen by {@code rnd}: any of {@link CrashMode}, equally likely. */
    CrashResult crash(Random rnd) {
        CrashMode[] modes = CrashMode.values();
        return crash(modes[rnd.nextInt(modes.length)], rnd);
    }

    /** A crash in {@code mode}; {@code rnd} picks how much of the unsynced tail survives. */
    CrashResult crash(CrashMode mode, Random rnd) {
        int unsynced = log.size() - durableCount;
        int kept = switch (mode) {
            case DROP_ALL -> 0;
            case KEEP_PREFIX -> rnd.nextInt(unsynced + 1);
            case TORN_LAST -> unsynced == 0 ? 0 : rnd.nextInt(unsynced); // the (kept+1)-th is torn
            case ZERO_PAGE -> unsynced == 0 ? 0 : keptBeforeZeroPage(rnd);
            case KILL -> unsynced;
        };
        return crash(mode, kept);
    }

    /**
     * A crash in {@code mode} that keeps the first {@code kept} unsynced records (TORN_LAST: the next one is torn;
     * ZERO_PAGE: the zeroed page starts in the next one; DROP_ALL keeps none, KILL all).
     */
    CrashResult crash(CrashMode mode, int kept) {
        int unsynced = log.size() - durableCount;
        // TORN_LAST and ZERO_PAGE damage a record after the kept ones, so they keep fewer than all
        int most = mode == CrashMode.KEEP_PREFIX || unsynced == 0 ? unsynced : unsynced - 1;
        if (mode == CrashMode.DROP_ALL) {
            kept = 0;
        } else if (mode == CrashMode.KILL) {
            kept = unsynced;
        } else if (kept < 0 || kept > most) {
            throw new IllegalArgumentException(
                    mode + " cannot keep " + kept + " of " + unsynced + " unsynced records (at most " + most + ")");
        }
        TxnRecord torn = mode == CrashMode.TORN_LAST && unsynced > 0 ? log.get(durableCount + kept) : null;
        cutTo(durableCount + kept);
        if (torn != null && flaw == Flaw.TORN_RECORD_KEPT) {
            append(garbled(torn));
        }
        if (mode != CrashMode.KILL) {
            durableCount = log.size(); // what survived a power loss is on the disk
        }
        return new CrashResult(mode, unsynced, kept, torn != null);
    }

    /**
     * ZERO_PAGE: the unsynced records start at a random offset in a page (the synced ones end there); one page that
     * overlaps them reads as zeros, so the records that end before that page survive and the rest is lost.
     */
    private int keptBeforeZeroPage(Random rnd) {
        int start = rnd.nextInt(PAGE); // offset of the first unsynced byte in its page
        long[] ends = new long[log.size() - durableCount];
        long end = start;
        for (int i = 0; i < ends.length; i++) {
            end += log.get(durableCount + i).toBytes().length + 8; // the real log frames a record: length, CRC
            ends[i] = end;
        }
        long pages = (end + PAGE - 1) / PAGE;
        long zeroFrom = Math.max(start, rnd.nextLong(pages) * PAGE);
        int kept = 0;
        while (kept < ends.length && ends[kept] <= zeroFrom) {
            kept++;
        }
        return kept;
    }

    /** The node restarts: the real {@code TxnLog} forces its last segment at open, so what it reads is durable. */
    void reopen() {
        if (flaw != Flaw.OPEN_SKIPS_FSYNC) {
            durableCount = log.size();
        }
    }

    /** What a torn record could decode to if no CRC caught it: same zxid, other content. */
    private static TxnRecord garbled(TxnRecord r) {
        Txn txn = new Txn.Create("/torn" + r.zxid(), new byte[] {0}, Acl.OPEN_ACL_UNSAFE, 0, 0);
        TxnHeader h = r.header();
        return new TxnRecord(new TxnHeader(h.clientId(), h.cxid(), h.zxid(), h.time(), txn.type()), txn);
    }

    private void cutTo(int size) {
        while (log.size() > size) {
            log.remove(log.size() - 1);
            appendSeqs.remove(appendSeqs.size() - 1);
        }
    }

    /** Whether txn zxid is durably held: in the durable log or covered by the durable snapshot. */
    boolean holdsDurably(long zxid) {
        if (snapshot != null && snapshotZxid >= zxid) {
            return true;
        }
        int i = Collections.binarySearch(
                log.subList(0, durableCount),
                null,
                (a, b) -> Long.compare(a == null ? zxid : a.zxid(), b == null ? zxid : b.zxid()));
        return i >= 0;
    }
}
