package io.coordinator.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/** A known number of persistent creates sent asynchronously, at most {@code outstanding} unanswered at a time. */
final class AsyncCreates {
    private final ZooKeeper zk;
    private final Semaphore inFlight;
    private final CountDownLatch done;
    private final AtomicLong errors = new AtomicLong();
    /** Where each create's latency (us) goes, or null. */
    private final Recorder latencies;

    AsyncCreates(ZooKeeper zk, int count, int outstanding, Recorder latencies) {
        this.zk = zk;
        this.inFlight = new Semaphore(Math.max(1, outstanding));
        this.done = new CountDownLatch(count);
        this.latencies = latencies;
    }

    /** Sends one create once a slot is free; false when none came free within 30 s (nothing is sent then). */
    boolean create(String path, byte[] value) throws InterruptedException {
        if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
            return false;
        }
        long t0 = System.nanoTime();
        zk.create(
                path,
                value,
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT,
                (rc, p, ctx, name) -> {
                    if (rc != 0) {
                        errors.incrementAndGet();
                    }
                    if (latencies != null) {
                        latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                    inFlight.release();
                    done.countDown();
                },
                null);
        return true;
    }

    /** True when every create was answered within {@code seconds}. */
    boolean awaitAll(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    /** Creates answered with an error so far. */
    long errors() {
        return errors.get();
    }
}
