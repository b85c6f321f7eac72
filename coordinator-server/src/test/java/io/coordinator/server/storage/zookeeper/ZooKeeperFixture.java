package io.coordinator.server.storage.zookeeper;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.cli.SetQuotaCommand;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Real Apache ZooKeeper 3.9.5 writing a data directory for the take-over tests: a zoo.cfg with dataDir and
 * dataLogDir, a workload covering every kind of txn, and a dump of the tree as a client sees it.
 */
public final class ZooKeeperFixture {
    // Mutable lists: the client's validateACL asks contains(null), which List.of refuses.
    public static final List<ACL> ALICE =
            new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest("alice:secret")))));

    private ZooKeeperFixture() {}

    /** A zoo.cfg in dir: dataDir dir/zk-data, dataLogDir dir/zk-log, a fresh loopback client port. */
    public static Path zooCfg(Path dir) throws IOException {
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "tickTime=2000",
                        "dataDir=" + dir.resolve("zk-data"),
                        "dataLogDir=" + dir.resolve("zk-log"),
                        "clientPort=" + LoopbackPorts.next(),
                        "clientPortAddress=127.0.0.1",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=*",
                        ""));
        return cfg;
    }

    public static int clientPort(Path cfg) throws IOException {
        return Integer.parseInt(properties(cfg).getProperty("clientPort"));
    }

    private static Properties properties(Path cfg) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg)) {
            p.load(r);
        }
        return p;
    }

    /** ZooKeeper standalone, in-process, on the zoo.cfg; snapshots every few txns so logs follow snapshots. */
    public static AutoCloseable start(Path cfg) throws Exception {
        return start(cfg, 16);
    }

    /**
     * As {@link #start(Path)}, with ZooKeeper's snapCount (a snapshot after snapCount/2 to snapCount txns, at a
     * random point, taken while txns go on: a large value keeps every txn of this run in the log after the
     * snapshot ZooKeeper takes at start).
     */
    public static AutoCloseable start(Path cfg, int snapCountDuringRun) throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        int snapCount = SyncRequestProcessor.getSnapCount();
        SyncRequestProcessor.setSnapCount(snapCountDuringRun);
        Path base = cfg.resolveSibling("zk-base");
        Files.createDirectories(base);
        ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder()
                .baseDir(base)
                .configuration(properties(cfg))
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        zk.start(30_000);
        int port = clientPort(cfg);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    zk.close();
                    throw e;
                }
                Thread.sleep(50); // polling for the port, not synchronising by time
            }
        }
        return () -> {
            try {
                zk.close();
            } finally {
                SyncRequestProcessor.setSnapCount(snapCount);
            }
        };
    }

    public static ZooKeeper connect(int port, int sessionTimeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, sessionTimeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("could not connect to port " + port);
        }
        zk.addAuthInfo("digest", "alice:secret".getBytes());
        return zk;
    }

    /** First part: persistent, sequential, container, TTL nodes, ACLs, quotas, versions, a large value. */
    public static void writeFirstPart(ZooKeeper zk) throws Exception {
        zk.create("/app", "v0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/config", "secret config".getBytes(), ALICE, CreateMode.PERSISTENT);
        zk.create("/app/readonly", "r".getBytes(), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(
                "/app/ip",
                null,
                new ArrayList<>(List.of(
                        new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1")),
                        new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")))),
                CreateMode.PERSISTENT);
        zk.create("/app/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData("/app", "v1".getBytes(), 0);
        zk.setData("/app", "v2".getBytes(), 1);
        zk.setACL("/app/config", ZooKeeperFixture.withRead(ALICE), 0);
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seq.add(zk.create(
                    "/app/seq-", ("s" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        }
        zk.delete(seq.get(1), -1);
        zk.create("/app/container", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        zk.create("/app/container/child", "c".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(
                "/app/ttl",
                "t".getBytes(),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL,
                new Stat(),
                3_600_000L);
        byte[] big = new byte[500 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        zk.create("/big", big, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        StatsTrack quota = new StatsTrack();
        quota.setCount(100);
        quota.setBytes(1 << 20);
        SetQuotaCommand.createQuota(zk, "/app", quota);
        for (int i = 0; i < 40; i++) {
            zk.create("/counter-" + i, ("" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    /**
     * Second part (after a restart): multis (one failed), deletions, ephemerals of a session closed later and of
     * one left open.
     */
    public static void writeSecondPart(ZooKeeper zk, ZooKeeper owner) throws Exception {
        zk.multi(List.of(
                Op.create("/multi", "m".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/multi/a", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/app", "v3".getBytes(), 2),
                Op.delete("/app/seq-0000000004", 0), // the first sequential child (after four others)
                Op.check("/app/readonly", 0)));
        try {
            zk.multi(List.of(
                    Op.create("/never", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.check("/app", 0)));
            throw new AssertionError("the multi should have failed");
        } catch (KeeperException.BadVersionException expected) {
            // logged as a multi of error txns
        }
        for (int i = 0; i < 30; i++) {
            zk.setData("/counter-" + (i % 5), ("again " + i).getBytes(), -1);
        }
        for (int i = 30; i < 40; i++) {
            zk.delete("/counter-" + i, -1);
        }
        // The writer's session is closed before ZooKeeper stops (a closeSession deletes this one); the owner's
        // stays open, so its ephemerals and session are in ZooKeeper's data when it stops.
        zk.create("/app/gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        owner.create("/app/eph", "e".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        owner.create("/app/eph-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
    }

    private static List<ACL> withRead(List<ACL> acl) {
        List<ACL> out = new ArrayList<>(acl);
        out.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        return out;
    }

    /** Every znode as a client reads it: data (hex), Stat, ACL, by path. */
    public record Node(String data, Stat stat, List<ACL> acl) {}

    public static Map<String, Node> dump(ZooKeeper zk) throws Exception {
        Map<String, Node> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of("/"));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            Stat stat = new Stat();
            byte[] data = zk.getData(path, false, stat);
            Stat aclStat = new Stat();
            List<ACL> acl = zk.getACL(path, aclStat);
            out.put(path, new Node(data == null ? "null" : HexFormat.of().formatHex(data), stat, acl));
            for (String child : zk.getChildren(path, false)) {
                todo.add(path.equals("/") ? "/" + child : path + "/" + child);
            }
        }
        return out;
    }

    /** SHA-256 of every file under dir (relative path -> hash), to show nothing was changed. */
    public static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.put(
                        dir.relativize(p).toString(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static String digest(String idPassword) {
        try {
            return org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest(idPassword);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
