package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Epochs;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A simulated disk: a log whose first {@code durableCount} records are fsynced (the rest is lost on a crash), the
 * epochs (durable when written) and the last snapshot (durable when written). Survives crashes; the node's memory
 * does not.
 */
final class SimDisk implements ZabLog {
    final List<TxnRecord> log = new ArrayList<>();
    final List<Long> appendSeqs = new ArrayList<>(); // when each record was written (for fsyncs in flight)
    long appendCounter;
    int durableCount;
    long base; // zxid the log continues from (after a snapshot reset)
    Epochs epochs = Epochs.INITIAL;
    ZabConfig config; // the newest committed config a Ready persisted (null: none yet)
    byte[] snapshot;
    long snapshotZxid;

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
        int i = indexAfter(z);
        while (log.size() > i) {
            log.remove(log.size() - 1);
            appendSeqs.remove(appendSeqs.size() - 1);
        }
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

    /** An fsync that began when {@code appendCounter} was {@code seq} completes: what was written by then is durable. */
    void fsyncWrittenBy(long seq) {
        int k = durableCount;
        while (k < log.size() && appendSeqs.get(k) <= seq) {
            k++;
        }
        durableCount = k;
    }

    void crash() {
        while (log.size() > durableCount) {
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
