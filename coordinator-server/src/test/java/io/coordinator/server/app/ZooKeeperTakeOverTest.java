package io.coordinator.server.app;

import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.clientPort;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.connect;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.dump;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.hashes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.storage.zookeeper.ZooKeeperFixture;
import io.coordinator.server.storage.zookeeper.ZooKeeperFixture.Node;
import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Coordinator started on the zoo.cfg of a real Apache ZooKeeper 3.9.5 that wrote a tree: the take-over serves
 * the same tree, Stat for Stat, continues in a higher epoch, leaves ZooKeeper's files byte for byte, and
 * happens once.
 */
class ZooKeeperTakeOverTest {
    @TempDir
    Path dir;

    private ConfigurableApplicationContext coordinator(Path cfg, int port) {
        return new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.zoo-cfg=" + cfg,
                        "--coordinator.client-port=" + port,
                        "--coordinator.ttl-nodes-enabled=true");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void servesZooKeepersTreeStatForStatThenContinuesInAHigherEpochAndNeverImportsTwice(CapturedOutput output)
            throws Exception {
        Path cfg = ZooKeeperFixture.zooCfg(dir);
        int zkPort = clientPort(cfg);
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg)) {
            ZooKeeper writer = connect(zkPort, 10_000);
            ZooKeeperFixture.writeFirstPart(writer);
            writer.close();
        }
        Map<String, Node> served;
        ZooKeeper owner;
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg)) { // restarted: a snapshot of the first part
            ZooKeeper writer = connect(zkPort, 10_000);
            owner = connect(zkPort, 4_000);
            ZooKeeperFixture.writeSecondPart(writer, owner);
            writer.close();
            served = dump(owner);
        }
        owner.close(1000); // its session stays in ZooKeeper's data: ZooKeeper is gone
        assertThat(served).containsKeys("/app/eph", "/app/ttl", "/app/container/child", "/big", "/multi/a");
        assertThat(served).doesNotContainKeys("/app/gone", "/never", "/app/seq-0000000004", "/counter-30");
        assertThat(served.keySet()).anyMatch(p -> p.startsWith("/zookeeper/quota/app/"));
        assertThat(Files.list(dir.resolve("zk-data/version-2"))
                        .map(p -> p.getFileName().toString()))
                .filteredOn(n -> n.startsWith("snapshot."))
                .hasSizeGreaterThan(1);
        Map<String, String> zkFiles = zkFileHashes();

        int port = LoopbackPorts.next();
        Map<String, Node> beforeRestart;
        try (ConfigurableApplicationContext ctx = coordinator(cfg, port)) {
            ZooKeeper c = connect(port, 10_000);
            try {
                Map<String, Node> taken = dump(c);
                assertThat(taken.keySet()).containsExactlyInAnyOrderElementsOf(served.keySet());
                for (String path : served.keySet()) {
                    assertThat(taken.get(path)).as(path).isEqualTo(served.get(path));
                }
                assertThat(output.getAll())
                        .contains("Took over " + served.size() + " znodes from Apache ZooKeeper data in "
                                + dir.resolve("zk-data"))
                        // a snapshot, then txns replayed from the logs after it
                        .containsPattern(
                                "at zxid 0x[0-9a-f]+ \\(snapshot snapshot\\.[0-9a-f]+ \\+ [1-9][0-9]* txns from logs");

                long lastImported = served.values().stream()
                        .mapToLong(n -> Math.max(n.stat().getMzxid(), n.stat().getPzxid()))
                        .max()
                        .orElseThrow();
                Stat stat = new Stat();
                c.create("/after", "new".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                assertThat(stat.getCzxid()).isGreaterThan(lastImported);
                assertThat(stat.getCzxid() >>> 32).isGreaterThan(lastImported >>> 32);

                // The owner's session was restored as ZooKeeper restores it: its ephemerals go when it expires.
                await("the restored session to expire", Duration.ofSeconds(60), () -> exists(c, "/app/eph"));
                assertThat(c.getChildren("/app", false)).noneMatch(n -> n.startsWith("eph"));
                beforeRestart = dump(c);
            } finally {
                c.close();
            }
        }
        assertThat(zkFileHashes()).isEqualTo(zkFiles);

        try (ConfigurableApplicationContext ctx = coordinator(cfg, port)) {
            ZooKeeper c = connect(port, 10_000);
            try {
                assertThat(dump(c)).isEqualTo(beforeRestart);
            } finally {
                c.close();
            }
        }
        assertThat(output.getAll().lines().filter(l -> l.contains("Took over ")))
                .hasSize(1);
        assertThat(zkFileHashes()).isEqualTo(zkFiles);
    }

    @Test
    void refusesToStartOnADamagedZooKeeperDataDirNamingTheFile() throws Exception {
        Path cfg = ZooKeeperFixture.zooCfg(dir);
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg)) {
            ZooKeeper writer = connect(clientPort(cfg), 10_000);
            writer.create("/a", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.close();
        }
        // Only the startup snapshot (snapshot.0) and a log: damage the snapshot's checksum.
        Path snap;
        try (var files = Files.list(dir.resolve("zk-data/version-2"))) {
            snap = files.filter(p -> p.getFileName().toString().startsWith("snapshot."))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(snap);
        bytes[bytes.length - 10] ^= 0x55; // inside the stored Adler-32
        Files.write(snap, bytes);
        assertThatThrownBy(() -> coordinator(cfg, LoopbackPorts.next()).close())
                .hasStackTraceContaining(snap.toString())
                .hasStackTraceContaining("checksum mismatch");
    }

    private Map<String, String> zkFileHashes() throws Exception {
        Map<String, String> all = new java.util.TreeMap<>();
        hashes(dir.resolve("zk-data/version-2")).forEach((k, v) -> all.put("data/" + k, v));
        hashes(dir.resolve("zk-log/version-2")).forEach((k, v) -> all.put("log/" + k, v));
        return all;
    }

    private static boolean exists(ZooKeeper c, String path) {
        try {
            return c.exists(path, false) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition is false... no: until {@code stillTrue} turns false. */
    private static void await(String what, Duration max, BooleanSupplier stillTrue) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (stillTrue.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(100); // polling observable state, not synchronising by time
        }
    }
}
