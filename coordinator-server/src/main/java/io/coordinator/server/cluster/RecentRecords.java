package io.coordinator.server.cluster;

import io.coordinator.server.protocol.TxnRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The newest log records in memory, a contiguous suffix of the log, so applying a commit or sending a short DIFF
 * does not read the log files back (a segment scan per call). Older records come from disk. Pipeline thread only.
 *
 * <p>It keeps every record not applied yet, and of the applied ones only the newest, up to {@code capacity}
 * records in all: a record kept for seconds outlives several young collections and is copied by each, which made
 * GC pauses of 100-200 ms with a window of 50,000 (ZooKeeper keeps 500 committed proposals for the same use).
 */
final class RecentRecords {
    private final TreeMap<Long, TxnRecord> records = new TreeMap<>();
    private final int capacity;
    private final LongSupplier appliedZxid;

    RecentRecords(int capacity, LongSupplier appliedZxid) {
        this.capacity = capacity;
        this.appliedZxid = appliedZxid;
    }

    void appended(TxnRecord rec) {
        if (!records.isEmpty() && rec.zxid() <= records.lastKey()) {
            records.tailMap(rec.zxid(), true).clear(); // cannot happen after a truncate, but never keep a fork
        }
        records.put(rec.zxid(), rec);
        if (records.size() > capacity) {
            // the applied record itself stays: reading what follows it is served from memory
            long applied = appliedZxid.getAsLong();
            while (records.size() > capacity && records.firstKey() < applied) {
                records.pollFirstEntry();
            }
        }
    }

    /** The log lost everything after {@code zxid} (a TRUNC from the leader). */
    void truncatedAfter(long zxid) {
        records.tailMap(zxid, false).clear();
    }

    /** A snapshot at {@code zxid} replaced the history up to it. */
    void replacedUpTo(long zxid) {
        records.headMap(zxid, true).clear();
    }

    /**
     * Up to {@code max} records after {@code afterZxid}, or null when the cache does not reach back that far
     * (then the caller reads the log). From its first record on, the cache has every record there is.
     */
    List<TxnRecord> read(long afterZxid, int max) {
        if (records.isEmpty() || afterZxid < records.firstKey()) {
            return null;
        }
        List<TxnRecord> out = new ArrayList<>(Math.min(max, 1024));
        for (TxnRecord rec : records.tailMap(afterZxid, false).values()) {
            if (out.size() >= max) {
                break;
            }
            out.add(rec);
        }
        return out;
    }
}
