package io.coordinator.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A bounded load against any ZooKeeper-protocol server, with the official async client: each client keeps
 * at most {@code --outstanding} requests in flight for {@code --seconds}, then stops by itself.
 *
 * <pre>
 * mvn -q -pl coordinator-bench exec:java -Dexec.args="--connect 127.0.0.1:2181 --workload write --clients 8 --seconds 10"
 * </pre>
 * Workloads: write (setData), read (getData), mixed (90% reads), create-delete (ephemeral sequential create,
 * then delete), watch-fanout ({@code --watchers} sessions watch one node; latency = setData reply to the last
 * notification), session-storm ({@code --clients} threads open and close sessions). Prints one human line
 * and one JSON line. The side-by-side runner against Apache ZooKeeper is {@link SideBySide}.
 *
 * <p>The request workloads run closed-loop by default (each client keeps {@code --outstanding} requests in
 * flight: the saturation throughput). With {@code --rate R} they run open-loop instead: the clients together
 * send R requests per second on a fixed schedule, and a request's latency counts from the time the schedule
 * meant to send it, so a server that stalls is charged for every request it delayed (no coordinated omission).
 * {@code --outstanding} then only caps what one client may have in flight.
 */
public final class LoadGenerator {

    /** Longest a single run may take beyond its duration before it is abandoned. */
    static final long GRACE_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String connect = opts.getOrDefault("connect", "127.0.0.1:2181");
        Params p = Params.from(opts);
        String workload = opts.getOrDefault("workload", "write");
        Result r = run(connect, workload, p);
        System.out.println(r.human());
        System.out.println(r.json());
    }

    /** Load parameters shared by every workload. */
    public record Params(int clients, int seconds, int outstanding, int valueSize, int watchers, double rate) {
        public Params {
            if (clients < 1 || seconds < 1 || outstanding < 1 || valueSize < 0 || watchers < 1 || rate < 0) {
                throw new IllegalArgumentException("clients, seconds, outstanding and watchers must be >= 1, "
                        + "value-size and rate >= 0: " + this);
            }
        }

        static Params from(Map<String, String> opts) {
            return new Params(
                    Integer.parseInt(opts.getOrDefault("clients", "8")),
                    Math.min(600, Integer.parseInt(opts.getOrDefault("seconds", "10"))),
                    Integer.parseInt(opts.getOrDefault("outstanding", "50")),
                    Integer.parseInt(opts.getOrDefault("value-size", "100")),
                    Integer.parseInt(opts.getOrDefault("watchers", "100")),
                    Double.parseDouble(opts.getOrDefault("rate", "0")));
        }

        /** The same load, open-loop at {@code perSecond} requests per second (0 = closed loop). */
        public Params atRate(double perSecond) {
            return new Params(clients, seconds, outstanding, valueSize, watchers, perSecond);
        }

        /** The same load for {@code n} seconds. */
        public Params withSeconds(int n) {
            return new Params(clients, n, outstanding, valueSize, watchers, rate);
        }

        boolean openLoop() {
            return rate > 0;
        }
    }

    /**
     * One run. {@code opsPerSec} is the workload's rate (requests, fan-out rounds or sessions per second);
     * latencies are per request, per fan-out (setData reply to last notification) or per session (open to
     * closed). {@code extra} holds workload-specific numbers, already JSON-encoded as {@code "k":v,...}.
     */
    public record Result(
            String workload,
            int clients,
            int seconds,
            long ops,
            long errors,
            double opsPerSec,
            double p50Ms,
            double p99Ms,
            double p999Ms,
            String extra) {
        public String human() {
            return format(
                    "%1$-13s clients=%2$d ops=%4$d errors=%5$d throughput=%6$.0f ops/s p50=%7$.2fms p99=%8$.2fms"
                            + " p999=%9$.2fms%10$s",
                    extra.isEmpty() ? "" : " " + extra.replace("\"", ""));
        }

        public String json() {
            return format(
                    "\"workload\":\"%s\",\"clients\":%d,\"seconds\":%d,\"ops\":%d,\"errors\":%d,\"opsPerSec\":%.1f,"
                            + "\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f%s",
                    extra.isEmpty() ? "" : "," + extra);
        }

        /** The fields in their order (arguments 1 to 9 of {@code pattern}), then {@code extra} as the format shows it. */
        private String format(String pattern, String shownExtra) {
            return String.format(
                    Locale.ROOT,
                    pattern,
                    workload,
                    clients,
                    seconds,
                    ops,
                    errors,
                    opsPerSec,
                    p50Ms,
                    p99Ms,
                    p999Ms,
                    shownExtra);
        }

        /** A run that failed before it measured anything: one error, and the exception in {@code extra}. */
        static Result failure(String workload, int clients, int seconds, Exception e) {
            String extra = "\"failure\":\"" + String.valueOf(e).replace('"', '\'') + "\"";
            return new Result(workload, clients, seconds, 0, 1, 0, 0, 0, 0, extra);
        }

        Result withWorkload(String workload) {
            return new Result(workload, clients, seconds, ops, errors, opsPerSec, p50Ms, p99Ms, p999Ms, extra);
        }

        Result withSeconds(int seconds) {
            return new Result(workload, clients, seconds, ops, errors, opsPerSec, p50Ms, p99Ms, p999Ms, extra);
        }

        Result withExtra(String extra) {
            return new Result(workload, clients, seconds, ops, errors, opsPerSec, p50Ms, p99Ms, p999Ms, extra);
        }

        static Result of(String workload, Params p, long ops, long errors, double elapsed, Histogram h, String extra) {
            return new Result(
                    workload,
                    p.clients(),
                    p.seconds(),
                    ops,
                    errors,
                    ops / Math.max(elapsed, 1e-9),
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0,
                    extra);
        }
    }

    /** What one client thread does; an interrupt ends it. */
    private interface ClientLoop {
        void run(int client) throws InterruptedException;
    }

    /**
     * Runs {@code p.clients()} daemon threads named {@code name-<client>} and waits for them, interrupting those
     * still running {@link #GRACE_SECONDS} after the run should have ended.
     */
    private static void runClients(String name, Params p, ClientLoop loop) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(p.clients());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < p.clients(); i++) {
            int client = i;
            Thread t = new Thread(
                    () -> {
                        try {
                            loop.run(client);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    },
                    name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (!done.await(p.seconds() + GRACE_SECONDS, TimeUnit.SECONDS)) {
            threads.forEach(Thread::interrupt);
        }
    }

    public static Result run(String connect, String workload, Params p) throws Exception {
        return switch (workload) {
            case "write", "read", "mixed", "create-delete" -> runRequests(connect, workload, p);
            case "watch-fanout" -> runWatchFanout(connect, p);
            case "session-storm" -> runSessionStorm(connect, p);
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
    }

    // ------------------------------------------------------------------ request workloads

    static Result runRequests(String connect, String workload, Params p) throws Exception {
        byte[] value = new byte[p.valueSize()];
        List<ZooKeeper> zks = new ArrayList<>();
        try {
            for (int i = 0; i < p.clients(); i++) {
                zks.add(connect(connect));
            }
            String root = "/bench-" + Long.toHexString(System.nanoTime());
            ZooKeeper admin = zks.get(0);
            admin.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < p.clients(); i++) {
                admin.create(root + "/n" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            // Each client reads its node once, so followers have it before reads start.
            for (int i = 0; i < p.clients(); i++) {
                zks.get(i).sync(root + "/n" + i, (rc, path, ctx) -> {}, null);
                zks.get(i).getData(root + "/n" + i, false, null);
            }
            Recorder latencies = new Recorder(3);
            AtomicLong ops = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(p.seconds());
            AtomicLong capped = new AtomicLong();
            runClients("load", p, client -> {
                ZooKeeper zk = zks.get(client);
                String node = root + "/n" + client;
                Semaphore inFlight = new Semaphore(p.outstanding());
                // t0: when the request was sent (closed loop) or was meant to be sent (open loop)
                LongConsumer send = t0 -> issue(
                        zk,
                        workload,
                        node,
                        value,
                        () -> {
                            latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                            ops.incrementAndGet();
                            inFlight.release();
                        },
                        errors);
                if (p.openLoop()) {
                    sendOnSchedule(p, client, start, end, inFlight, send, capped, errors);
                } else {
                    while (System.nanoTime() < end) {
                        if (inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                            send.accept(System.nanoTime());
                        }
                    }
                }
                inFlight.tryAcquire(p.outstanding(), GRACE_SECONDS, TimeUnit.SECONDS);
            });
            double elapsed = (System.nanoTime() - start) / 1e9;
            Histogram h = latencies.getIntervalHistogram();
            try {
                deleteTree(admin, root);
            } catch (Exception e) {
                // best effort: the data dir is thrown away anyway
            }
            String extra = p.openLoop()
                    ? String.format(Locale.ROOT, "\"targetOpsPerSec\":%.1f,\"cappedSends\":%d", p.rate(), capped.get())
                    : "";
            return Result.of(workload, p, ops.get(), errors.get(), elapsed, h, extra);
        } finally {
            closeAll(zks);
        }
    }

    /**
     * Open loop for one client: its share of {@code p.rate()} on a fixed schedule, offset from the other
     * clients'. A send that finds the client's {@code outstanding} cap full waits for a slot (counted in
     * {@code capped}); it still counts its latency from its scheduled time, and later sends keep their schedule.
     */
    static void sendOnSchedule(
            Params p,
            int client,
            long start,
            long end,
            Semaphore inFlight,
            LongConsumer send,
            AtomicLong capped,
            AtomicLong errors)
            throws InterruptedException {
        double interval = 1e9 * p.clients() / p.rate();
        double offset = interval * client / p.clients();
        for (long k = 0; ; k++) {
            long scheduled = start + (long) (offset + k * interval);
            if (scheduled - end >= 0) {
                return;
            }
            for (long wait = scheduled - System.nanoTime(); wait > 0; wait = scheduled - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            if (!inFlight.tryAcquire()) {
                capped.incrementAndGet();
                if (!inFlight.tryAcquire(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    errors.incrementAndGet(); // nothing came back for the whole grace: the server is gone
                    return;
                }
            }
            send.accept(scheduled);
        }
    }

    private static void issue(
            ZooKeeper zk, String workload, String node, byte[] value, Runnable complete, AtomicLong errors) {
        AsyncCallback.StatCallback statCb = (rc, path, ctx, stat) -> {
            if (rc != 0) {
                errors.incrementAndGet();
            }
            complete.run();
        };
        AsyncCallback.DataCallback dataCb = (rc, path, ctx, data, stat) -> {
            if (rc != 0) {
                errors.incrementAndGet();
            }
            complete.run();
        };
        switch (workload) {
            case "write" -> zk.setData(node, value, -1, statCb, null);
            case "read" -> zk.getData(node, false, dataCb, null);
            case "mixed" -> {
                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    zk.setData(node, value, -1, statCb, null);
                } else {
                    zk.getData(node, false, dataCb, null);
                }
            }
            case "create-delete" ->
                zk.create(
                        node + "/e-",
                        value,
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.EPHEMERAL_SEQUENTIAL,
                        (rc, path, ctx, name) -> {
                            if (rc != 0) {
                                errors.incrementAndGet();
                                complete.run();
                                return;
                            }
                            zk.delete(
                                    name,
                                    -1,
                                    (rc2, p2, ctx2) -> {
                                        if (rc2 != 0) {
                                            errors.incrementAndGet();
                                        }
                                        complete.run();
                                    },
                                    null);
                        },
                        null);
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
    }

    // ------------------------------------------------------------------ watch fan-out

    /**
     * {@code watchers} sessions each arm a data watch on one node; a separate writer session sets it; the
     * time from the setData reply reaching the writer to the last of the N notifications is recorded (0 if
     * every notification arrived before the reply; {@code notifyBeforeReply} counts those rounds). Repeats
     * for the duration, re-arming every watch between rounds.
     */
    static Result runWatchFanout(String connect, Params p) throws Exception {
        int n = p.watchers();
        byte[] value = new byte[p.valueSize()];
        List<ZooKeeper> zks = new ArrayList<>();
        AtomicLong lastNotify = new AtomicLong();
        CountDownLatch[] pending = new CountDownLatch[1];
        try {
            ZooKeeper writer = connect(connect);
            zks.add(writer);
            String node = "/fanout-" + Long.toHexString(System.nanoTime());
            writer.create(node, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<ZooKeeper> watchers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ZooKeeper zk = connect(connect);
                zks.add(zk);
                watchers.add(zk);
            }
            Watcher w = e -> {
                if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
                    lastNotify.accumulateAndGet(System.nanoTime(), Math::max);
                    pending[0].countDown();
                }
            };
            Recorder afterReply = new Recorder(3);
            Recorder afterSend = new Recorder(3);
            long rounds = 0;
            long errors = 0;
            long beforeReply = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(p.seconds());
            while (System.nanoTime() < end) {
                CountDownLatch armed = new CountDownLatch(n);
                pending[0] = new CountDownLatch(n);
                lastNotify.set(0);
                for (ZooKeeper zk : watchers) {
                    zk.getData(node, w, (rc, path, ctx, data, stat) -> armed.countDown(), null);
                }
                if (!armed.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    errors++;
                    break;
                }
                long t0 = System.nanoTime();
                writer.setData(node, value, -1);
                long reply = System.nanoTime();
                if (!pending[0].await(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    errors++;
                    break;
                }
                long last = lastNotify.get();
                if (last < reply) {
                    beforeReply++;
                }
                afterReply.recordValue(Math.max(1, (last - reply) / 1000));
                afterSend.recordValue(Math.max(1, (last - t0) / 1000));
                rounds++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Histogram fromSend = afterSend.getIntervalHistogram();
            String extra = String.format(
                    Locale.ROOT,
                    "\"watchers\":%d,\"notificationsPerSec\":%.1f,\"notifyBeforeReply\":%d,\"sendToLastP50Ms\":%.3f,\"sendToLastP99Ms\":%.3f",
                    n,
                    rounds * (double) n / elapsed,
                    beforeReply,
                    fromSend.getValueAtPercentile(50) / 1000.0,
                    fromSend.getValueAtPercentile(99) / 1000.0);
            try {
                writer.delete(node, -1);
            } catch (KeeperException e) {
                // best effort
            }
            return Result.of("watch-fanout", p, rounds, errors, elapsed, afterReply.getIntervalHistogram(), extra);
        } finally {
            closeAll(zks);
        }
    }

    // ------------------------------------------------------------------ session storm

    /**
     * {@code clients} threads each open a session and wait until it is connected, then hand it to a closer
     * pool and open the next; a session counts once its close has completed. The official client's close()
     * takes ~100 ms on both servers (client-side), so closes run in the background, at most 64 pending per
     * thread: with 8 pending per thread the storm was capped at 8 x 10/s per thread (~600/s with 8 threads)
     * by that client wait, and both servers measured the same cap.
     * Latency = open (connect to SyncConnected); closeP50/P99 are reported separately.
     */
    static Result runSessionStorm(String connect, Params p) throws Exception {
        Recorder opens = new Recorder(3);
        Recorder closes = new Recorder(3);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(p.seconds());
        int maxPendingCloses = 64 * p.clients();
        Semaphore pendingCloses = new Semaphore(maxPendingCloses);
        ExecutorService closers = Executors.newFixedThreadPool(maxPendingCloses, r -> {
            Thread t = new Thread(r, "storm-closer");
            t.setDaemon(true);
            return t;
        });
        runClients("storm", p, client -> {
            while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                if (!pendingCloses.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                long t0 = System.nanoTime();
                ZooKeeper zk;
                try {
                    zk = connect(connect, 10);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    errors.incrementAndGet();
                    pendingCloses.release();
                    continue;
                }
                long t1 = System.nanoTime();
                opens.recordValue(Math.max(1, (t1 - t0) / 1000));
                closers.execute(() -> {
                    try {
                        long c0 = System.nanoTime();
                        zk.close(); // waits for the closeSession reply, not for the client's threads
                        closes.recordValue(Math.max(1, (System.nanoTime() - c0) / 1000));
                        ops.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    } finally {
                        pendingCloses.release();
                    }
                });
            }
        });
        pendingCloses.tryAcquire(maxPendingCloses, GRACE_SECONDS, TimeUnit.SECONDS);
        closers.shutdownNow();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram c = closes.getIntervalHistogram();
        String extra = String.format(
                Locale.ROOT,
                "\"closeP50Ms\":%.3f,\"closeP99Ms\":%.3f",
                c.getValueAtPercentile(50) / 1000.0,
                c.getValueAtPercentile(99) / 1000.0);
        return Result.of("session-storm", p, ops.get(), errors.get(), elapsed, opens.getIntervalHistogram(), extra);
    }

    // ------------------------------------------------------------------ helpers

    static void deleteTree(ZooKeeper zk, String path) throws Exception {
        for (String c : zk.getChildren(path, false)) {
            deleteTree(zk, path + "/" + c);
        }
        zk.delete(path, -1);
    }

    static void closeAll(List<ZooKeeper> zks) {
        for (ZooKeeper zk : zks) {
            try {
                zk.close(5_000);
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    static ZooKeeper connect(String connect) throws Exception {
        return connect(connect, 30);
    }

    static ZooKeeper connect(String connect, int timeoutSeconds) throws Exception {
        return connect(connect, timeoutSeconds, e -> {});
    }

    /** Connected, with {@code also} told of every connection-state event. */
    static ZooKeeper connect(String connect, int timeoutSeconds, Watcher also) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            also.process(e);
        });
        if (!connected.await(timeoutSeconds, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("cannot connect to " + connect);
        }
        return zk;
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
