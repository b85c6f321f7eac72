package io.coordinator.server.storage;

import static io.coordinator.server.storage.StorageTestSupport.SMALL;
import static io.coordinator.server.storage.StorageTestSupport.range;
import static io.coordinator.server.storage.StorageTestSupport.rec;
import static io.coordinator.server.storage.StorageTestSupport.zxids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitLogTest {
    @TempDir
    Path dir;

    private static final Runnable NOOP = () -> {};

    @Test
    void concurrentSubmittersCallbacksInOrderAndFewerFsyncsThanRecords() throws Exception {
        int threads = 8;
        int perThread = 500;
        int total = threads * perThread;
        TxnLog log = TxnLog.open(dir, SMALL.withMaxSegmentTxns(1000));
        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ackedBeforeDurable = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(total);
        Object zxidLock = new Object();
        long[] nextZxid = {1};
        GroupCommitLog gc = new GroupCommitLog(log, t -> {});
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    synchronized (zxidLock) { // zxids are assigned in submission order, as the leader does
                        long z = nextZxid[0]++;
                        gc.submit(rec(z), () -> {
                            if (log.durableZxid() < z) {
                                ackedBeforeDurable.incrementAndGet();
                            }
                            acked.add(z);
                            all.countDown();
                        });
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(acked).isEqualTo(range(1, total));
        assertThat(ackedBeforeDurable.get()).isZero();
        assertThat(gc.fsyncCount()).isPositive().isLessThan(total);
        assertThat(gc.recordsWritten()).isEqualTo(total);
        assertThat(gc.maxBatchSize()).isGreaterThan(1);
        assertThat(gc.avgFsyncMicros()).isPositive();
        gc.close();
        try (TxnLog reopened = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(reopened, 0)).isEqualTo(range(1, total));
        }
    }

    @Test
    void closedLoopSubmittersAreBatched() throws Exception {
        // each client waits for its ack before its next write, as real clients do
        int threads = 16;
        int perThread = 40;
        TxnLog log = TxnLog.open(dir, SMALL);
        GroupCommitLog gc = new GroupCommitLog(log, t -> {});
        Object zxidLock = new Object();
        long[] nextZxid = {1};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    synchronized (zxidLock) {
                        gc.submit(rec(nextZxid[0]++), () -> done.complete(null));
                    }
                    done.get(30, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(gc.recordsWritten()).isEqualTo(threads * perThread);
        assertThat(gc.fsyncCount()).isLessThan(threads * perThread);
        gc.close();
    }

    @Test
    void batchesAreBounded() throws Exception {
        TxnLog log = TxnLog.open(dir, SMALL);
        GroupCommitLog gc = new GroupCommitLog(log, 4, 1 << 20, t -> {});
        CountDownLatch all = new CountDownLatch(200);
        for (long z = 1; z <= 200; z++) {
            gc.submit(rec(z), all::countDown);
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gc.maxBatchSize()).isLessThanOrEqualTo(4);
        assertThat(gc.fsyncCount()).isGreaterThanOrEqualTo(50);
        assertThat(gc.queueDepth()).isZero();
        gc.close();
    }

    @Test
    void batchesAreBoundedByBytes() throws Exception {
        TxnLog log = TxnLog.open(dir, SMALL);
        int recordBytes = TxnLog.encode(rec(10)).length;
        GroupCommitLog gc = new GroupCommitLog(log, 1000, recordBytes * 2L, t -> {});
        CountDownLatch all = new CountDownLatch(50);
        for (long z = 10; z < 60; z++) {
            gc.submit(rec(z), all::countDown);
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gc.maxBatchSize()).isLessThanOrEqualTo(2);
        gc.close();
    }

    @Test
    void rejectsNonIncreasingZxidSynchronously() throws Exception {
        TxnLog log = TxnLog.open(dir, SMALL);
        log.append(rec(7));
        log.sync();
        GroupCommitLog gc = new GroupCommitLog(log, t -> {});
        assertThatThrownBy(() -> gc.submit(rec(7), NOOP)).isInstanceOf(IllegalStateException.class);
        gc.submit(rec(8), NOOP);
        assertThatThrownBy(() -> gc.submit(rec(8), NOOP)).isInstanceOf(IllegalStateException.class);
        gc.close();
        assertThat(gc.failure()).isNull();
    }

    /** Submits zxids 1 to {@code last}; the counter counts their callbacks. */
    private static AtomicInteger submitCounted(GroupCommitLog gc, long last) {
        AtomicInteger callbacks = new AtomicInteger();
        for (long z = 1; z <= last; z++) {
            gc.submit(rec(z), callbacks::incrementAndGet);
        }
        return callbacks;
    }

    @Test
    void closeDrainsSyncsAndRunsCallbacks() throws Exception {
        TxnLog log = TxnLog.open(dir, SMALL);
        GroupCommitLog gc = new GroupCommitLog(log, t -> {});
        AtomicInteger callbacks = submitCounted(gc, 300);
        gc.close();
        assertThat(callbacks.get()).isEqualTo(300);
        assertThatThrownBy(() -> gc.submit(rec(301), NOOP)).isInstanceOf(IllegalStateException.class);
        try (TxnLog reopened = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(reopened, 0)).isEqualTo(range(1, 300));
        }
    }

    @Test
    void fsyncFailureIsFatalAndNoCallbacksRunForTheFailedBatch() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch holdSync = new CountDownLatch(1);
        CountDownLatch syncReached = new CountDownLatch(1);
        StorageFaults faults = new StorageFaults() {
            @Override
            public void beforeSync(Path file) throws IOException {
                if (armed.get()) {
                    syncReached.countDown();
                    try {
                        holdSync.await(); // let more records queue behind the failing batch
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("injected fsync failure (EIO)");
                }
            }
        };
        TxnLog log = TxnLog.open(dir, SMALL.withFaults(faults));
        AtomicInteger handlerCalls = new AtomicInteger();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        GroupCommitLog gc = new GroupCommitLog(log, t -> {
            handlerCalls.incrementAndGet();
            failed.complete(t);
        });
        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstFive = new CountDownLatch(5);
        for (long z = 1; z <= 5; z++) {
            long zz = z;
            gc.submit(rec(z), () -> {
                acked.add(zz);
                firstFive.countDown();
            });
        }
        assertThat(firstFive.await(30, TimeUnit.SECONDS)).isTrue();
        armed.set(true);
        gc.submit(rec(6), () -> acked.add(6L));
        assertThat(syncReached.await(30, TimeUnit.SECONDS)).isTrue();
        gc.submit(rec(7), () -> acked.add(7L)); // queued behind the failing batch
        gc.submit(rec(8), () -> acked.add(8L));
        holdSync.countDown();
        Throwable t = failed.get(30, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("injected");
        assertThatThrownBy(() -> gc.submit(rec(9), () -> acked.add(9L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
        gc.close();
        assertThat(handlerCalls.get()).isEqualTo(1);
        assertThat(acked).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(gc.failure()).isSameAs(t);
    }

    @Test
    void writeFailureIsFatalToo() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        StorageFaults faults = new StorageFaults() {
            @Override
            public void beforeWrite(Path file, long offset, int length) throws IOException {
                if (armed.get()) {
                    throw new IOException("injected write failure (ENOSPC)");
                }
            }
        };
        TxnLog log = TxnLog.open(dir, SMALL.withFaults(faults));
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        GroupCommitLog gc = new GroupCommitLog(log, failed::complete);
        AtomicInteger callbacks = new AtomicInteger();
        armed.set(true);
        gc.submit(rec(1), callbacks::incrementAndGet);
        assertThat(failed.get(30, TimeUnit.SECONDS)).hasMessageContaining("ENOSPC");
        gc.close();
        assertThat(callbacks.get()).isZero();
    }

    @Test
    void flushWaitsForDurabilityAndTruncateAfterRestartsTheSequence() throws Exception {
        TxnLog log = TxnLog.open(dir, SMALL.withMaxSegmentTxns(10));
        GroupCommitLog gc = new GroupCommitLog(log, t -> {});
        AtomicInteger callbacks = submitCounted(gc, 35);
        gc.flush();
        assertThat(callbacks.get()).isEqualTo(35);
        assertThat(gc.log().durableZxid()).isEqualTo(35);
        gc.truncateAfter(12);
        assertThat(gc.log().lastZxid()).isEqualTo(12);
        assertThatThrownBy(() -> gc.submit(rec(12), NOOP)).isInstanceOf(IllegalStateException.class);
        CompletableFuture<Void> done = new CompletableFuture<>();
        gc.submit(rec(13, "new13"), () -> done.complete(null));
        done.get(30, TimeUnit.SECONDS);
        assertThat(zxids(gc.log(), 10)).containsExactly(11L, 12L, 13L);
        gc.log().purgeBefore(11); // safe while group commit runs
        assertThat(gc.log().segmentZxids()).containsExactly(11L);
        gc.close();
        try (TxnLog reopened = TxnLog.open(dir, SMALL)) {
            assertThat(zxids(reopened, 0)).isEqualTo(range(11, 13));
        }
    }
}
