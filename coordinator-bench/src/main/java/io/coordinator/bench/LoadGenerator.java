package io.coordinator.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
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
 * Workloads: write (setData), read (getData), mixed (90% reads), create-delete (ephemeral sequential).
 * Prints one human line and one JSON line.
 */
public final class LoadGenerator {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String connect = opts.getOrDefault("connect", "127.0.0.1:2181");
        String workload = opts.getOrDefault("workload", "write");
        int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
        int seconds = Math.min(600, Integer.parseInt(opts.getOrDefault("seconds", "10")));
        int outstanding = Integer.parseInt(opts.getOrDefault("outstanding", "50"));
        int valueSize = Integer.parseInt(opts.getOrDefault("value-size", "100"));
        Result r = run(connect, workload, clients, seconds, outstanding, valueSize);
        System.out.println(r.human());
        System.out.println(r.json());
    }

    public record Result(String workload, int clients, int seconds, long ops, long errors, double opsPerSec, double p50Ms,
                         double p99Ms, double p999Ms) {
        String human() {
            return String.format(Locale.ROOT, "%-13s clients=%d ops=%d errors=%d throughput=%.0f ops/s p50=%.2fms p99=%.2fms p999=%.2fms",
                    workload, clients, ops, errors, opsPerSec, p50Ms, p99Ms, p999Ms);
        }

        String json() {
            return String.format(Locale.ROOT,
                    "{\"workload\":\"%s\",\"clients\":%d,\"seconds\":%d,\"ops\":%d,\"errors\":%d,\"opsPerSec\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f}",
                    workload, clients, seconds, ops, errors, opsPerSec, p50Ms, p99Ms, p999Ms);
        }
    }

    public static Result run(String connect, String workload, int clients, int seconds, int outstanding, int valueSize)
            throws Exception {
        byte[] value = new byte[valueSize];
        List<ZooKeeper> zks = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            zks.add(connect(connect));
        }
        String root = "/bench-" + Long.toHexString(System.nanoTime());
        ZooKeeper admin = zks.get(0);
        admin.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < clients; i++) {
            admin.create(root + "/n" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        Recorder latencies = new Recorder(3);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            ZooKeeper zk = zks.get(i);
            String node = root + "/n" + i;
            Thread t = new Thread(() -> {
                Semaphore inFlight = new Semaphore(outstanding);
                try {
                    while (System.nanoTime() < end) {
                        inFlight.acquire();
                        long t0 = System.nanoTime();
                        Runnable complete = () -> {
                            latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                            ops.incrementAndGet();
                            inFlight.release();
                        };
                        issue(zk, workload, node, value, complete, errors);
                    }
                    inFlight.acquire(outstanding);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "load-" + i);
            t.start();
        }
        done.await(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram h = latencies.getIntervalHistogram();
        for (ZooKeeper zk : zks) {
            zk.close();
        }
        return new Result(workload, clients, seconds, ops.get(), errors.get(), ops.get() / elapsed,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0);
    }

    private static void issue(ZooKeeper zk, String workload, String node, byte[] value, Runnable complete,
                              AtomicLong errors) {
        AsyncCallback.StatCallback statCb = (rc, p, ctx, stat) -> {
            if (rc != 0) {
                errors.incrementAndGet();
            }
            complete.run();
        };
        AsyncCallback.DataCallback dataCb = (rc, p, ctx, data, stat) -> {
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
            case "create-delete" -> zk.create(node + "/e-", value, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL_SEQUENTIAL, (rc, p, ctx, name) -> {
                        if (rc != 0) {
                            errors.incrementAndGet();
                            complete.run();
                            return;
                        }
                        zk.delete(name, -1, (rc2, p2, ctx2) -> {
                            if (rc2 != 0) {
                                errors.incrementAndGet();
                            }
                            complete.run();
                        }, null);
                    }, null);
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
    }

    static ZooKeeper connect(String connect) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
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
