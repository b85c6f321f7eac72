package io.coordinator.server.storage;

import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.protocol.TxnRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit over a {@link TxnLog}: one dedicated thread drains everything submitted (up to a bounded
 * batch), appends it, syncs once, and only then runs the batch's callbacks, in submission order. So one
 * fsync covers every record that arrived while the previous fsync ran, and nothing is acknowledged before
 * it is on disk.
 *
 * <p>Any failure while appending or syncing is fatal: the failed batch's callbacks (and those of everything
 * still queued) are never run, the failure handler is called exactly once, and later submits throw
 * {@link IllegalStateException}. The server must stop rather than ack what may not be on disk.
 *
 * <p>The wrapped log belongs to this object while it runs (do not append to it directly) and is closed by
 * {@link #close()}.
 */
public final class GroupCommitLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitLog.class);

    public static final int DEFAULT_MAX_BATCH_RECORDS = 10_000;
    public static final long DEFAULT_MAX_BATCH_BYTES = 8L * 1024 * 1024;

    private record Entry(long zxid, byte[] framed, Runnable onDurable) {}

    private final TxnLog log;
    private final int maxBatchRecords;
    private final long maxBatchBytes;
    private final Consumer<Throwable> failureHandler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private boolean busy;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Thread thread;
    private long lastSubmittedZxid;
    private boolean closing;
    private boolean closed;
    private volatile Throwable failure;

    private volatile long fsyncCount;
    private volatile long totalFsyncNanos;
    private volatile long lastFsyncNanos;
    private volatile long lastBatchSize;
    private volatile long maxBatchSize;
    private volatile long recordsWritten;

    public GroupCommitLog(TxnLog log, Consumer<Throwable> failureHandler) {
        this(log, DEFAULT_MAX_BATCH_RECORDS, DEFAULT_MAX_BATCH_BYTES, failureHandler);
    }

    public GroupCommitLog(TxnLog log, int maxBatchRecords, long maxBatchBytes, Consumer<Throwable> failureHandler) {
        if (maxBatchRecords < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.log = log;
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
        this.failureHandler = Objects.requireNonNull(failureHandler, "failureHandler");
        this.lastSubmittedZxid = log.lastZxid();
        this.thread = new Thread(this::run, "txnlog-group-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a record; {@code onDurable} runs on the log thread once it is fsynced (callbacks should be
     * quick and hand real work elsewhere). Never blocks on IO. zxids must be strictly increasing in
     * submission order.
     *
     * @throws IllegalStateException if the log failed or is closed, or the zxid is not increasing
     * @throws IllegalArgumentException if the encoded record exceeds {@link LogOptions#maxRecordBytes()}
     */
    /** Whether the log has failed: nothing more is accepted (the failure handler has been or is being called). */
    public boolean failed() {
        return failure != null;
    }

    public void submit(TxnRecord record, Runnable onDurable) {
        byte[] framed = TxnLog.encode(record); // serialise and checksum on the caller's thread
        if (framed.length - SegmentFormat.RECORD_OVERHEAD > log.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + framed.length + " bytes exceeds maxRecordBytes");
        }
        lock.lock();
        try {
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("transaction log failed; no writes are accepted", f);
            }
            if (closing) {
                throw new IllegalStateException("group commit log is closed");
            }
            if (record.zxid() <= lastSubmittedZxid) {
                throw new IllegalStateException("zxid 0x" + Long.toHexString(record.zxid())
                        + " is not greater than the last submitted zxid 0x" + Long.toHexString(lastSubmittedZxid));
            }
            lastSubmittedZxid = record.zxid();
            queue.add(new Entry(record.zxid(), framed, onDurable));
            if (queue.size() == 1) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    notEmpty.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return; // closing and drained
                }
                busy = true;
                long bytes = 0;
                while (!queue.isEmpty()
                        && batch.size() < maxBatchRecords
                        && (batch.isEmpty() || bytes + queue.peek().framed.length <= maxBatchBytes)) {
                    Entry e = queue.poll();
                    bytes += e.framed.length;
                    batch.add(e);
                }
            } finally {
                lock.unlock();
            }
            try {
                for (Entry e : batch) {
                    log.appendEncoded(e.zxid, e.framed);
                }
                if (PlantedBug.ACK_BEFORE_FSYNC) {
                    for (Entry e : batch) {
                        if (e.onDurable != null) {
                            e.onDurable.run();
                        }
                    }
                }
                long t0 = System.nanoTime();
                log.rollIfNeeded(); // a roll syncs the old segment
                log.sync();
                long dt = System.nanoTime() - t0;
                lastFsyncNanos = dt;
                totalFsyncNanos += dt;
                fsyncCount++;
                lastBatchSize = batch.size();
                maxBatchSize = Math.max(maxBatchSize, batch.size());
                recordsWritten += batch.size();
            } catch (Throwable t) {
                fail(t);
                return;
            }
            for (Entry e : PlantedBug.ACK_BEFORE_FSYNC ? List.<Entry>of() : batch) {
                if (e.onDurable != null) {
                    try {
                        e.onDurable.run();
                    } catch (RuntimeException ex) {
                        LOG.error("onDurable callback for zxid 0x{} threw", Long.toHexString(e.zxid), ex);
                    } catch (Error err) {
                        fail(err);
                        return;
                    }
                }
            }
            batch.clear();
            lock.lock();
            try {
                busy = false;
                if (queue.isEmpty()) {
                    idle.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits (holding the lock) until everything submitted so far is durable and its callbacks have run. */
    private void awaitIdleLocked() throws IOException {
        boolean interrupted = false;
        try {
            while ((busy || !queue.isEmpty()) && failure == null && thread.isAlive()) {
                try {
                    idle.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new IOException("transaction log failed", failure);
        }
    }

    /** Blocks until every record submitted before this call is durable and its callback has run. */
    public void flush() throws IOException {
        lock.lock();
        try {
            awaitIdleLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * ZAB's TRUNC: waits until everything submitted is durable, then drops records after {@code zxid}
     * (durable when this returns); submits are held off meanwhile and must continue above {@code zxid}.
     */
    public void truncateAfter(long zxid) throws IOException {
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("group commit log is closed");
            }
            awaitIdleLocked();
            try {
                log.truncateAfter(zxid);
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
            lastSubmittedZxid = log.lastZxid();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The wrapped log, for reads ({@link TxnLog#read}) and {@link TxnLog#purgeBefore}, which are safe while
     * group commit runs. Do not append, sync, truncate or advance it directly.
     */
    public TxnLog log() {
        return log;
    }

    private void fail(Throwable t) {
        lock.lock();
        try {
            failure = t;
            queue.clear();
            busy = false;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.error(
                "Transaction log write or fsync failed; callbacks of the failed batch are not run and the log"
                        + " accepts no more writes",
                t);
        try {
            failureHandler.accept(t);
        } catch (RuntimeException e) {
            LOG.error("failure handler threw", e);
        }
    }

    /** The failure that stopped the log, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Drains and syncs everything submitted (running its callbacks), stops the thread, closes the log. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }

    public long fsyncCount() {
        return fsyncCount;
    }

    public long lastFsyncMicros() {
        return lastFsyncNanos / 1000;
    }

    /** Time spent in fsync since start, for rates over an interval (the average hides them). */
    public long totalFsyncNanos() {
        return totalFsyncNanos;
    }

    public long avgFsyncMicros() {
        long n = fsyncCount;
        return n == 0 ? 0 : totalFsyncNanos / n / 1000;
    }

    public int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public long lastBatchSize() {
        return lastBatchSize;
    }

    public long maxBatchSize() {
        return maxBatchSize;
    }

    public double avgBatchSize() {
        long n = fsyncCount;
        return n == 0 ? 0 : (double) recordsWritten / n;
    }

    public long recordsWritten() {
        return recordsWritten;
    }
}
