package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dynamic reconfiguration on a running ensemble, driven by ZooKeeper 3.9.5's own {@link ZooKeeperAdmin}: three
 * members (zoo.cfg + dynamic file, {@code reconfigEnabled=true}, a super digest) grow to five (server 5 an
 * observer), asked on a follower (which forwards it to the leader), and zkCli's {@code reconfig -remove} shrinks
 * it back to three while a client writes continuously; a member restarted in between starts from the committed
 * config it kept, not from its command line, and a removed member restarted stays out; afterwards every
 * acknowledged write is on every member. Refusals: non-admin (NOAUTH), a stale {@code -from} version (BADVERSION), a new config without a synced
 * quorum (NEWCONFIGNOQUORUM). Members run in this JVM (Spring contexts) over real sockets and data dirs.
 */
@Timeout(300)
class ReconfigEnsembleTest {
    private static final String SUPER_PASSWORD = "super:reconfig-test";

    @TempDir
    Path dir;

    private final int[] client = new int[5];
    private final String[] line = new String[5];
    private final ConfigurableApplicationContext[] members = new ConfigurableApplicationContext[5];

    @Test
    void growToFiveWithAnObserverAndBackToThreeWhileAClientWrites() throws Exception {
        for (int i = 0; i < 5; i++) {
            client[i] = Servers.freePort();
            line[i] = "server." + (i + 1) + "=127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort()
                    + (i == 4 ? ":observer" : ":participant") + ";127.0.0.1:" + client[i];
        }
        String three = line[0] + "\n" + line[1] + "\n" + line[2] + "\n";
        AtomicBoolean writing = new AtomicBoolean(true);
        Set<String> acknowledged = new ConcurrentSkipListSet<>();
        AtomicInteger failures = new AtomicInteger();
        Thread writer = null;
        try {
            for (int i = 0; i < 3; i++) {
                members[i] = Servers.startReconfigurable(dir, i, three, SUPER_PASSWORD);
            }
            String[] first =
                    Servers.awaitEnsembleServing(new int[] {client[0], client[1], client[2]}, Duration.ofSeconds(90));
            int follower = first[0].equals("follower") ? 0 : 1;
            try (ZooKeeper setup = connect(client[0])) {
                setup.create("/w", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            writer = new Thread(() -> writeUntilStopped(writing, acknowledged, failures), "reconfig-test-writer");
            writer.start();

            // servers 4 and 5 start knowing the ensemble and themselves; they take part once a reconfig adds them
            members[3] = Servers.startReconfigurable(dir, 3, three + line[3] + "\n", SUPER_PASSWORD);
            members[4] = Servers.startReconfigurable(dir, 4, three + line[4] + "\n", SUPER_PASSWORD);

            try (ZooKeeperAdmin admin = admin(client[follower]);
                    ZooKeeper plain = connect(client[1])) {
                CompletableFuture<Watcher.Event.EventType> configChanged = new CompletableFuture<>();
                Stat before = new Stat();
                plain.getConfig(e -> configChanged.complete(e.getType()), before);

                // refusals, as ZooKeeper answers them
                ZooKeeperAdmin anonymous = new ZooKeeperAdmin("127.0.0.1:" + client[1], 30_000, e -> {});
                try {
                    assertThatThrownBy(() -> anonymous.reconfigure(line[3], null, null, -1, new Stat()))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                } finally {
                    anonymous.close();
                }
                assertThatThrownBy(() -> admin.reconfigure(line[3], null, null, 0x12345L, new Stat()))
                        .isInstanceOf(KeeperException.BadVersionException.class);
                String unreachable = three.replace("\n", ",")
                        + "server.6=127.0.0.1:1:2:participant,server.7=127.0.0.1:3:4:participant,"
                        + "server.8=127.0.0.1:5:6:participant";
                assertThatThrownBy(() -> admin.reconfigure(null, null, unreachable, -1, new Stat()))
                        .isInstanceOf(KeeperException.NewConfigNoQuorum.class);

                // grow: 4 as a participant, 5 as an observer, from the version the client read
                Stat grownStat = new Stat();
                String grown = new String(
                        admin.reconfigure(line[3] + "," + line[4], null, null, before.getMzxid(), grownStat),
                        StandardCharsets.UTF_8);
                assertThat(grown.lines().filter(l -> l.startsWith("server."))).containsExactly(line);
                long grownVersion = Long.parseLong(
                        grown.substring(grown.indexOf("version=") + 8).trim(), 16);
                assertThat(grownVersion).isEqualTo(grownStat.getMzxid()).isGreaterThan(before.getMzxid());
                assertThat(configChanged.get(30, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
                String[] modes = Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
                assertThat(modes[4]).isEqualTo("observer");
                assertThat(modes[3]).isIn("follower", "leader");
                for (int i = 0; i < 5; i++) {
                    assertThat(Servers.configOf(client[i])).isEqualTo(grown);
                }
                awaitWrites(acknowledged, 20);
                for (int i = 0; i < 5; i++) {
                    assertAllPresent(client[i], acknowledged);
                }

                // a restarted member starts from the committed config it kept, not its command line (three)
                Path kept = dir.resolve("node1/data/zoo.cfg.dynamic.committed");
                assertThat(Files.readString(kept)).isEqualTo(grown);
                members[0].close();
                members[0] = Servers.startReconfigurable(dir, 0, three, SUPER_PASSWORD);
                Servers.awaitEnsembleServing(client, Duration.ofSeconds(90));
                assertThat(Servers.configOf(client[0])).isEqualTo(grown);
            }

            // shrink back to three with zkCli's reconfig -remove; 4 and 5 stop serving
            try (ZooKeeperAdmin admin = admin(client[1])) {
                new ZooKeeperMain(admin).executeLine("reconfig -remove 4,5");
            }
            String shrunk = Servers.configOf(client[1]);
            assertThat(shrunk.lines().filter(l -> l.startsWith("server."))).containsExactly(line[0], line[1], line[2]);
            Servers.awaitEnsembleServing(new int[] {client[0], client[1], client[2]}, Duration.ofSeconds(90));
            awaitNotServing(client[3]);
            awaitNotServing(client[4]);
            // a removed member restarted starts from the config that removed it (not its command line): it stays out
            // (it learns its removal even when the commit itself did not reach it: the election link still answers)
            awaitContent(dir.resolve("node4/data/zoo.cfg.dynamic.committed"), shrunk);
            members[3].close();
            members[3] = Servers.startReconfigurable(dir, 3, three + line[3] + "\n", SUPER_PASSWORD);
            awaitWrites(acknowledged, acknowledged.size() + 20);
            assertThat(Servers.modeOf(client[3])).isNull();
            awaitWrites(acknowledged, acknowledged.size() + 20);
        } finally {
            writing.set(false);
            if (writer != null) {
                writer.join(60_000);
            }
        }
        try {
            assertThat(acknowledged).hasSizeGreaterThan(40);
            for (int i = 0; i < 3; i++) {
                assertAllPresent(client[i], acknowledged);
            }
            System.out.printf(
                    "reconfig under load: %d acknowledged writes, %d failed or uncertain%n",
                    acknowledged.size(), failures.get());
        } finally {
            for (ConfigurableApplicationContext c : members) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (RuntimeException e) {
                        // close the others anyway
                    }
                }
            }
        }
    }

    private void writeUntilStopped(AtomicBoolean writing, Set<String> acknowledged, AtomicInteger failures) {
        try (ZooKeeper zk = connect("127.0.0.1:" + client[0] + ",127.0.0.1:" + client[1] + ",127.0.0.1:" + client[2])) {
            int n = 0;
            while (writing.get()) {
                String path = "/w/n" + n++;
                try {
                    zk.create(path, new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    acknowledged.add(path);
                } catch (KeeperException e) {
                    failures.incrementAndGet(); // not acknowledged: it may or may not be there
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitWrites(Set<String> acknowledged, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < atLeast) {
            assertThat(System.nanoTime())
                    .as("acknowledged writes: %d", acknowledged.size())
                    .isLessThan(deadline);
            Thread.sleep(50); // polling the writer's progress
        }
    }

    private static void awaitContent(Path file, String content) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file) || !Files.readString(file).equals(content)) {
            assertThat(System.nanoTime()).as("%s never held %s", file, content).isLessThan(deadline);
            Thread.sleep(100); // polling the file the member keeps
        }
    }

    private static void awaitNotServing(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Servers.modeOf(port) != null) {
            assertThat(System.nanoTime()).as("server on %d still serving", port).isLessThan(deadline);
            Thread.sleep(100); // polling srvr
        }
    }

    private static void assertAllPresent(int port, Set<String> acknowledged) throws Exception {
        List<String> expected = List.copyOf(acknowledged); // acknowledged before the sync: the writer goes on
        try (ZooKeeper zk = connect(port)) {
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            zk.sync("/w", (rc, path, ctx) -> synced.complete(rc), null);
            assertThat(synced.get(30, TimeUnit.SECONDS)).isZero();
            Set<String> present = new java.util.HashSet<>();
            for (String child : zk.getChildren("/w", false)) {
                present.add("/w/" + child);
            }
            assertThat(present).as("writes on the member at port %d", port).containsAll(expected);
        }
    }

    private static ZooKeeperAdmin admin(int port) throws Exception {
        CompletableFuture<Boolean> connected = new CompletableFuture<>();
        ZooKeeperAdmin admin = new ZooKeeperAdmin("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(true);
            }
        });
        assertThat(connected.get(60, TimeUnit.SECONDS)).isTrue();
        admin.addAuthInfo("digest", SUPER_PASSWORD.getBytes(StandardCharsets.UTF_8));
        return admin;
    }

    private static ZooKeeper connect(int port) throws Exception {
        return connect("127.0.0.1:" + port);
    }

    private static ZooKeeper connect(String hosts) throws Exception {
        CompletableFuture<Boolean> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(hosts, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(true);
            }
        });
        assertThat(connected.get(60, TimeUnit.SECONDS)).isTrue();
        return zk;
    }
}
