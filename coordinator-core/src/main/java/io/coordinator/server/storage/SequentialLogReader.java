package io.coordinator.server.storage;

import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link TxnLog} in batches and keeps its place between calls. A log iterator reads its first segment
 * from the start, so reading a long stretch a batch at a time (a DIFF to a follower that was away, 1,024 records
 * per call) with a new iterator per batch would read the segment again for every batch: quadratic in the
 * stretch. A call that goes on where the previous one ended goes on with the same iterator. One thread only.
 */
public final class SequentialLogReader implements AutoCloseable {
    private final TxnLog log;
    private TxnLog.LogIterator open;
    /** The last zxid the open iterator returned, and the log's {@link TxnLog#cuts()} when it was opened. */
    private long openAt;

    private long openCuts;

    public SequentialLogReader(TxnLog log) {
        this.log = log;
    }

    /** Up to {@code max} records with zxid greater than {@code afterZxid}, as a new {@link TxnLog#read} gives them. */
    public List<TxnRecord> read(long afterZxid, int max) throws IOException {
        List<TxnRecord> out = new ArrayList<>(Math.min(max, 1024));
        boolean fresh = false;
        if (open == null || openAt != afterZxid || openCuts != log.cuts()) {
            reopen(afterZxid);
            fresh = true;
        }
        long last = afterZxid;
        try {
            while (true) {
                while (out.size() < max && open.hasNext()) {
                    TxnRecord r = open.next();
                    out.add(r);
                    last = r.zxid();
                }
                if (out.size() >= max) {
                    openAt = last;
                    return out;
                }
                if (fresh) {
                    close(); // the end of the log: the next call opens where it is then
                    return out;
                }
                // an iterator sees the log as it was when opened: records written since need a new one
                reopen(last);
                fresh = true;
            }
        } catch (UncheckedIOException e) {
            close();
            throw e.getCause();
        }
    }

    private void reopen(long afterZxid) throws IOException {
        close();
        openCuts = log.cuts();
        open = log.read(afterZxid);
    }

    @Override
    public void close() {
        if (open != null) {
            open.close();
            open = null;
        }
    }
}
