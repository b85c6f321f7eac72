package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A peer's history as it will be once its pending Ready is carried out (as etcd-io/raft's {@code raftLog} over
 * storage plus {@code unstable}): the log on disk, the appends, truncation and snapshot not handed to the driver
 * yet, and which appended records are not fsynced. Records are read back through {@link ZabLog}, which the
 * drivers serve from memory for the recent part (production's {@code RecentRecords}, the simulator's disk): one
 * cache of recent records, on the driver's side.
 */
final class History {
    static final int READ_CHUNK = 1024;

    private final String name;
    private final ZabLog log;
    private long lastZxid;
    private long durableZxid;
    private final TreeSet<Long> unsynced = new TreeSet<>(); // appended, not yet fsynced
    // The history's part of the next Ready.
    private List<TxnRecord> pendAppend = new ArrayList<>();
    private long pendTruncate = -1;
    private SnapshotToInstall pendSnapshot;
    // Counts the cuts of the log on disk (truncations): an fsync report names the
    // generation its records were written in, so one that began before a cut cannot vouch for a record written
    // again after it under the same zxid.
    private long generation;

    /** {@code lastZxid}: where the recovered log (or the applied state, if further) ends; all of it is durable. */
    History(String name, ZabLog log, long lastZxid) {
        this.name = name;
        this.log = log;
        this.lastZxid = lastZxid;
        this.durableZxid = lastZxid;
    }

    long lastZxid() {
        return lastZxid;
    }

    long durableZxid() {
        return durableZxid;
    }

    /** The oldest record the log on disk still holds. */
    long firstLogZxid() {
        return log.firstZxid();
    }

    boolean hasPending() {
        return pendTruncate >= 0 || pendSnapshot != null || !pendAppend.isEmpty();
    }

    /** The appends of the next Ready (handed over: the Ready owns the list from now on). */
    List<TxnRecord> takeAppends() {
        if (pendAppend.isEmpty()) {
            return List.of();
        }
        List<TxnRecord> out = pendAppend;
        pendAppend = new ArrayList<>();
        return out;
    }

    long takeTruncate() {
        long t = pendTruncate;
        pendTruncate = -1;
        return t;
    }

    SnapshotToInstall takeSnapshot() {
        SnapshotToInstall s = pendSnapshot;
        pendSnapshot = null;
        return s;
    }

    void append(TxnRecord r) {
        if (r.zxid() <= lastZxid) {
            throw new IllegalStateException("append of " + Zxids.hex(r.zxid()) + " after " + Zxids.hex(lastZxid));
        }
        pendAppend.add(r);
        unsynced.add(r.zxid());
        lastZxid = r.zxid();
    }

    /** Cuts the history after {@code zxid} (the caller made sure nothing committed is cut). */
    void truncate(long zxid) {
        if (zxid >= lastZxid) {
            return;
        }
        pendAppend.removeIf(r -> r.zxid() > zxid);
        long logLast = pendTruncate >= 0 ? Math.min(pendTruncate, log.lastZxid()) : log.lastZxid();
        lastZxid = zxid;
        unsynced.tailSet(zxid, false).clear();
        if (zxid < logLast) {
            // the driver cuts the log and fsyncs what survives (all of it already written: pending appends are
            // newer than what the log holds, so they were all dropped above)
            pendTruncate = pendTruncate >= 0 ? Math.min(pendTruncate, zxid) : zxid;
            durableZxid = zxid;
            unsynced.clear();
            generation++;
        } else {
            durableZxid = Math.min(durableZxid, zxid);
        }
    }

    /** The history continues from {@code zxid} (a snapshot at a point the log does not hold). */
    void continueFrom(long zxid) {
        lastZxid = zxid;
    }

    /**
     * A snapshot at {@code zxid} is to be installed: everything up to it is durable with it. The log is not cut
     * (a log that does not reach the snapshot was truncated before, which counts as the cut): the records after
     * the snapshot stay as written, so an fsync begun before the install still vouches for them. Counting the
     * install as a cut left them unsynced for ever once that fsync had covered them (reconfig simulation seed
     * 5672: a follower synced by SNAP never acknowledged NEWLEADER).
     */
    void installSnapshot(long zxid, byte[] data) {
        pendSnapshot = new SnapshotToInstall(zxid, data);
        durableZxid = Math.max(durableZxid, zxid);
        unsynced.headSet(zxid, true).clear();
    }

    /** The log generation records appended now are written in (see {@link #persisted}). */
    long generation() {
        return generation;
    }

    /**
     * An fsync through {@code zxid} of records written in log {@code generation} completed; false if that is no
     * news, or the log was cut since (the record now under that zxid may be a later, unsynced write).
     */
    boolean persisted(long zxid, long generation) {
        if (generation != this.generation || zxid <= durableZxid || !unsynced.contains(zxid)) {
            return false;
        }
        unsynced.headSet(zxid, true).clear();
        durableZxid = zxid;
        return true;
    }

    /** The records after {@code applied} through {@code limit}, in order. */
    List<TxnRecord> toApply(long applied, long limit) {
        List<TxnRecord> toApply = List.of();
        while (applied < limit) {
            if (toApply.isEmpty()) {
                toApply = new ArrayList<>();
            }
            // Within one epoch zxids are consecutive, so ask for no more records than are due.
            int due = Zxids.epochOf(limit) == Zxids.epochOf(applied)
                    ? (int) Math.min(READ_CHUNK, Zxids.counterOf(limit) - Zxids.counterOf(applied))
                    : READ_CHUNK;
            List<TxnRecord> batch = read(applied, Math.max(1, due));
            boolean progressed = false;
            for (TxnRecord r : batch) {
                if (r.zxid() > limit) {
                    break;
                }
                toApply.add(r);
                applied = r.zxid();
                progressed = true;
            }
            if (!progressed) {
                throw new IllegalStateException(name + ": committed zxid " + Zxids.hex(limit)
                        + " is not in the log after " + Zxids.hex(applied));
            }
        }
        return toApply;
    }

    /** Records with zxid > {@code after}, at most {@code max}, as the log will be once the pending Ready is done. */
    List<TxnRecord> read(long after, int max) {
        List<TxnRecord> out = new ArrayList<>();
        long floor = pendSnapshot != null ? pendSnapshot.zxid() : Long.MIN_VALUE;
        boolean logExhausted = true;
        List<TxnRecord> fromLog = log.read(after, max);
        for (TxnRecord r : fromLog) {
            if (pendTruncate >= 0 && r.zxid() > pendTruncate) {
                break;
            }
            if (r.zxid() <= floor) {
                continue;
            }
            out.add(r);
        }
        if (fromLog.size() >= max
                && (pendTruncate < 0 || fromLog.get(fromLog.size() - 1).zxid() <= pendTruncate)) {
            logExhausted = false;
        }
        if (logExhausted) {
            long last = out.isEmpty() ? after : out.get(out.size() - 1).zxid();
            for (TxnRecord r : pendAppend) {
                if (out.size() >= max) {
                    break;
                }
                if (r.zxid() > last) {
                    out.add(r);
                    last = r.zxid();
                }
            }
        }
        return out;
    }

    /** The records after {@code after} through {@code upTo}. */
    List<TxnRecord> readRange(long after, long upTo) {
        List<TxnRecord> out = new ArrayList<>();
        long last = after;
        while (last < upTo) {
            List<TxnRecord> batch = read(last, READ_CHUNK);
            if (batch.isEmpty()) {
                break;
            }
            for (TxnRecord r : batch) {
                if (r.zxid() > upTo) {
                    return out;
                }
                out.add(r);
                last = r.zxid();
            }
        }
        return out;
    }

    /** Whether the history holds a record with this zxid. */
    boolean hasRecord(long zxid) {
        if (zxid <= 0 || zxid > lastZxid) {
            return false;
        }
        List<TxnRecord> r = read(zxid - 1, 1);
        return !r.isEmpty() && r.get(0).zxid() == zxid;
    }

    /** The last record of {@code epoch} at or before {@code z}, or -1. */
    long lastOfEpochAtOrBefore(long epoch, long z) {
        long after = Math.max(Zxids.make(epoch, 0), log.firstZxid() - 1);
        long found = -1;
        while (true) {
            List<TxnRecord> batch = read(after, READ_CHUNK);
            if (batch.isEmpty()) {
                return found;
            }
            for (TxnRecord r : batch) {
                if (r.zxid() > z || Zxids.epochOf(r.zxid()) != epoch) {
                    return found;
                }
                found = r.zxid();
                after = r.zxid();
            }
        }
    }
}
