package io.coordinator.server.it;

import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.connect;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.dump;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.storage.zookeeper.ZooKeeperFixture;
import io.coordinator.server.storage.zookeeper.ZooKeeperFixture.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real three-member Apache ZooKeeper 3.9.5 ensemble writes a tree (every node kind, ACLs, a quota, deletions,
 * multis, a large value, a session left open) while one follower is down for the second half, so the members'
 * data dirs differ. Three Coordinator members then start on the same zoo.cfg files: each takes over its own
 * member's data with ZooKeeper's zxids and epochs, ZAB's recovery brings the member that missed txns up to date,
 * and every member serves ZooKeeper's tree Stat for Stat. New writes land in a higher epoch, a restart of the
 * whole ensemble keeps everything and does not import again, and ZooKeeper's files are never changed.
 */
@Timeout(300)
@ExtendWith(OutputCaptureExtension.class)
class ZooKeeperEnsembleTakeOverTest {
    static final int OWNER_SESSION_MS = 40_000; // the longest at tickTime 2000: the ephemerals outlive the checks

    @TempDir
    Path dir;

    final int[] client = new int[3];
    final Path[] cfg = new Path[3];
    final Path[] data = new Path[3];

    @Test
    void aZooKeeperEnsemblesDataDirsBecomeACoordinatorEnsembleServingTheSameTree(CapturedOutput output)
            throws Exception {
        writeConfigs();
        Map<String, Node> served;
        List<Process> zk = new ArrayList<>();
        ZooKeeper owner = null;
        try {
            for (int i = 0; i < 3; i++) {
                zk.add(startZooKeeper(i));
            }
            String[] modes = Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
            int lagging = modes[0].equals("follower") ? 0 : 1; // a follower: stopping it keeps the leader
            int live = lagging == 0 ? 1 : 0;
            ZooKeeper writer = connect(client[live], 10_000);
            ZooKeeperFixture.writeFirstPart(writer);
            stop(zk.get(lagging));
            owner = connect(client[live], OWNER_SESSION_MS);
            ZooKeeperFixture.writeSecondPart(writer, owner);
            writer.close();
            served = dump(owner);
            assertThat(served).containsKeys("/app/eph", "/app/ttl", "/app/container/child", "/big", "/multi/a");
            assertThat(served).doesNotContainKeys("/app/gone", "/never", "/counter-30");
            assertThat(served.keySet()).anyMatch(p -> p.startsWith("/zookeeper/quota/app/"));
        } finally {
            zk.forEach(ZooKeeperEnsembleTakeOverTest::stop);
        }
        owner.close(500); // after ZooKeeper stopped: its session and ephemerals stay in ZooKeeper's data
        List<Map<String, String>> zkFiles = new ArrayList<>();
        for (Path d : data) {
            zkFiles.add(ZooKeeperFixture.hashes(d.resolve("version-2")));
        }

        long lastImported = served.values().stream()
                .mapToLong(n -> Math.max(n.stat().getMzxid(), n.stat().getPzxid()))
                .max()
                .orElseThrow();
        Map<String, Node> afterWrite;
        List<ConfigurableApplicationContext> members = startCoordinator();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(userTree(syncedDump(i))).as("member %d", i + 1).isEqualTo(userTree(served));
            }
            assertThat(output.getAll().lines().filter(l -> l.contains("Took over ")))
                    .hasSize(3)
                    .allMatch(l -> l.contains("as an ensemble member, with ZooKeeper's zxids and epochs"));

            ZooKeeper c = connect(client[2], 10_000);
            try {
                Stat stat = new Stat();
                c.create("/after", "new".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                assertThat(stat.getCzxid() >>> 32).isGreaterThan(lastImported >>> 32);
            } finally {
                c.close();
            }
            afterWrite = syncedDump(0);
            assertThat(afterWrite).containsKey("/after");
        } finally {
            closeAll(members);
        }

        members = startCoordinator();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(userTree(syncedDump(i)))
                        .as("member %d after a restart", i + 1)
                        .isEqualTo(userTree(afterWrite));
            }
        } finally {
            closeAll(members);
        }
        assertThat(output.getAll().lines().filter(l -> l.contains("Took over ")))
                .hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(ZooKeeperFixture.hashes(data[i].resolve("version-2")))
                    .as("ZooKeeper's files of member %d", i + 1)
                    .isEqualTo(zkFiles.get(i));
        }
    }

    /** One zoo.cfg per member, used unchanged by ZooKeeper and then by Coordinator. */
    private void writeConfigs() throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            client[i] = Servers.freePort();
            servers.add("server." + (i + 1) + "=127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort());
        }
        for (int i = 0; i < 3; i++) {
            Path node = Files.createDirectories(dir.resolve("node" + (i + 1)));
            data[i] = Files.createDirectories(node.resolve("data"));
            Files.writeString(data[i].resolve("myid"), (i + 1) + "\n");
            List<String> lines = new ArrayList<>(List.of(
                    "tickTime=2000",
                    "initLimit=10",
                    "syncLimit=5",
                    "dataDir=" + data[i],
                    "clientPort=" + client[i],
                    "clientPortAddress=127.0.0.1",
                    "admin.enableServer=false",
                    "4lw.commands.whitelist=*",
                    "extendedTypesEnabled=true",
                    "snapCount=16")); // snapshots and the logs after them, as a long-running ensemble has
            lines.addAll(servers);
            cfg[i] = Files.write(node.resolve("zoo.cfg"), lines);
        }
    }

    private Process startZooKeeper(int i) throws Exception {
        return new ProcessBuilder(
                        CrashRecoveryTest.javaBin(),
                        "-Xmx128m",
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                        cfg[i].toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        cfg[i].resolveSibling("zookeeper.log").toFile()))
                .start();
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<ConfigurableApplicationContext> startCoordinator() throws Exception {
        List<ConfigurableApplicationContext> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(new SpringApplicationBuilder(Class.forName(Servers.COORDINATOR_APP))
                        .run("--coordinator.zoo-cfg=" + cfg[i], "--server.port=0", "--server.address=127.0.0.1"));
            }
            Servers.awaitEnsembleServing(client, Duration.ofSeconds(120));
            return members;
        } catch (Exception | Error e) {
            closeAll(members);
            throw e;
        }
    }

    private static void closeAll(List<ConfigurableApplicationContext> members) {
        for (ConfigurableApplicationContext m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // close the others anyway
            }
        }
    }

    /**
     * The tree without what each server makes itself: an ensemble member announces itself under
     * {@code /coordinator/members} (which changes the root's child count, cversion and pzxid), and every server,
     * ZooKeeper too, writes {@code /zookeeper/config} when it starts (its mtime is that start's).
     */
    private static Map<String, Node> userTree(Map<String, Node> tree) {
        Map<String, Node> out = new TreeMap<>(tree);
        out.keySet().removeIf(p -> p.equals("/coordinator") || p.startsWith("/coordinator/"));
        for (String own : List.of("/", "/zookeeper/config")) {
            Node n = out.get(own);
            out.put(own, new Node(n.data(), null, n.acl()));
        }
        return out;
    }

    /** The whole tree as member i serves it, after a sync so it has everything committed before. */
    private Map<String, Node> syncedDump(int i) throws Exception {
        ZooKeeper c = connect(client[i], 10_000);
        try {
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            c.sync("/", (rc, path, ctx) -> synced.complete(rc), null);
            assertThat(synced.get(30, TimeUnit.SECONDS)).isZero();
            return dump(c);
        } finally {
            c.close();
        }
    }
}
