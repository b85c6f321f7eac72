package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.ServerProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test: the server runs as a real process; client threads do acknowledged creates, setData and multis
 * in a loop, recording what was acknowledged and what was in flight; the process is SIGKILLed
 * ({@link Process#destroyForcibly()}) and restarted on the same data directory; every acknowledged write
 * must be there with its content, an in-flight write is either wholly there or wholly absent, and nothing
 * else appears. Several rounds, bounded in count and time.
 */
@Timeout(300)
abstract class CrashRecoveryTest {
    static final int ROUNDS = 3;
    static final int WRITERS = 4;
    static final int ACKS_BEFORE_KILL = 150;

    /** The command line of the server as a separate process serving 127.0.0.1:port from dataDir. */
    protected abstract List<String> command(Path dataDir, int port) throws Exception;

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // model, cumulative over rounds
    private final Map<String, String> ackedCreates = new ConcurrentHashMap<>();
    private final Map<String, String> keyValues = new ConcurrentHashMap<>();

    @Test
    void acknowledgedWritesSurviveSigkillAndNothingIsHalfApplied(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        int port = Servers.freePort();
        ServerProcess p = start(data, port, dir.resolve("log-0.txt"));
        try (ZooKeeper z = client(port)) {
            z.create("/crash", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            z.create("/crash/c", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            z.create("/crash/m", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int t = 0; t < WRITERS; t++) {
                z.create("/crash/k" + t, "init".getBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                keyValues.put("/crash/k" + t, "init");
            }
        }
        for (int round = 1; round <= ROUNDS; round++) {
            Map<String, String> uncertainCreates = new ConcurrentHashMap<>();
            Map<String, String> uncertainKeys = new ConcurrentHashMap<>();
            Map<String, Boolean> multis = new ConcurrentHashMap<>(); // base path -> acknowledged?
            CountDownLatch acks = new CountDownLatch(ACKS_BEFORE_KILL);
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            for (int t = 0; t < WRITERS; t++) {
                int thread = t;
                int r = round;
                int writePort = port;
                writers.add(CompletableFuture.runAsync(
                        () -> write(writePort, r, thread, acks, uncertainCreates, uncertainKeys, multis), pool));
            }
            pool.shutdown();
            assertThat(acks.await(120, TimeUnit.SECONDS))
                    .as("writes acknowledged in round %d", round)
                    .isTrue();
            p.kill();
            assertThat(p.isAlive()).isFalse();
            CompletableFuture.allOf(writers.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);

            port = Servers.freePort();
            p = start(data, port, dir.resolve("log-" + round + ".txt"));
            verify(port, round, uncertainCreates, uncertainKeys, multis);
        }
        p.stop();
    }

    private ServerProcess start(Path data, int port, Path log) throws Exception {
        ServerProcess p = new ServerProcess("server", command(data, port), log);
        p.startListening(port, Duration.ofSeconds(60));
        return p;
    }

    static ZooKeeper client(int port) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper z = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        });
        connected.get(60, TimeUnit.SECONDS);
        return z;
    }

    private void write(
            int port,
            int round,
            int thread,
            CountDownLatch acks,
            Map<String, String> uncertainCreates,
            Map<String, String> uncertainKeys,
            Map<String, Boolean> multis) {
        ZooKeeper z;
        try {
            z = client(port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try {
            for (int n = 0; n < 100_000; n++) {
                String id = "r" + round + "-t" + thread + "-" + n;
                switch (n % 3) {
                    case 0 -> {
                        String path = "/crash/c/" + id;
                        String value = "create-" + id;
                        uncertainCreates.put(path, value);
                        z.create(
                                path,
                                value.getBytes(StandardCharsets.UTF_8),
                                Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT);
                        ackedCreates.put(path, value);
                        uncertainCreates.remove(path);
                    }
                    case 1 -> {
                        String key = "/crash/k" + thread;
                        String value = "set-" + id;
                        uncertainKeys.put(key, value);
                        z.setData(key, value.getBytes(StandardCharsets.UTF_8), -1);
                        keyValues.put(key, value);
                        uncertainKeys.remove(key);
                    }
                    default -> {
                        String base = "/crash/m/" + id;
                        multis.put(base, false);
                        z.multi(List.of(
                                Op.create(base + "-a", "a".getBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                                Op.create(base + "-b", "b".getBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
                        multis.put(base, true);
                    }
                }
                acks.countDown();
            }
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
            // the server was killed under us: the op in flight is uncertain
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                z.close(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void verify(
            int port,
            int round,
            Map<String, String> uncertainCreates,
            Map<String, String> uncertainKeys,
            Map<String, Boolean> multis)
            throws Exception {
        try (ZooKeeper z = client(port)) {
            // creates
            Map<String, String> present = new HashMap<>();
            for (String child : z.getChildren("/crash/c", false)) {
                String path = "/crash/c/" + child;
                present.put(path, new String(z.getData(path, false, null), StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, String> e : ackedCreates.entrySet()) {
                assertThat(present.get(e.getKey()))
                        .as("round %d: acknowledged create %s", round, e.getKey())
                        .isEqualTo(e.getValue());
            }
            for (Map.Entry<String, String> e : present.entrySet()) {
                if (!ackedCreates.containsKey(e.getKey())) {
                    assertThat(uncertainCreates)
                            .as("round %d: unexpected node %s", round, e.getKey())
                            .containsEntry(e.getKey(), e.getValue());
                    ackedCreates.put(e.getKey(), e.getValue()); // it is durable now
                }
            }
            // keys
            for (int t = 0; t < WRITERS; t++) {
                String key = "/crash/k" + t;
                Stat st = new Stat();
                String actual = new String(z.getData(key, false, st), StandardCharsets.UTF_8);
                String acked = keyValues.get(key);
                String inFlight = uncertainKeys.get(key);
                assertThat(actual)
                        .as("round %d: %s (acked %s, in flight %s)", round, key, acked, inFlight)
                        .isIn(inFlight == null ? List.of(acked) : List.of(acked, inFlight));
                keyValues.put(key, actual);
            }
            // multis: all or nothing
            List<String> m = z.getChildren("/crash/m", false);
            for (Map.Entry<String, Boolean> e : multis.entrySet()) {
                String name = e.getKey().substring("/crash/m/".length());
                boolean a = m.contains(name + "-a");
                boolean b = m.contains(name + "-b");
                assertThat(a).as("round %d: multi %s half applied", round, name).isEqualTo(b);
                if (e.getValue()) {
                    assertThat(a)
                            .as("round %d: acknowledged multi %s", round, name)
                            .isTrue();
                }
            }
            for (String child : m) {
                String base = "/crash/m/" + child.substring(0, child.length() - 2);
                assertThat(multis.containsKey(base)
                                || child.startsWith("r")
                                        && Integer.parseInt(child.substring(1, child.indexOf('-'))) < round)
                        .as("round %d: unexpected multi node %s", round, child)
                        .isTrue();
            }
            assertThat(ackedCreates.size()).isGreaterThan(0);
        }
    }

    static String testClasspath() {
        return System.getProperty("java.class.path") + File.pathSeparator;
    }
}
