package io.coordinator.server.app;

import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.clientPort;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.connect;
import static io.coordinator.server.storage.zookeeper.ZooKeeperFixture.dump;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.storage.zookeeper.ZooKeeperFixture;
import io.coordinator.server.storage.zookeeper.ZooKeeperFixture.Node;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The way back: a tree written on Coordinator (every node kind, ACLs, a quota, multis, deletions, a large value,
 * a session left open) is exported with {@code export-zookeeper}, and a real Apache ZooKeeper 3.9.5 started on
 * the exported dataDir serves it Stat for Stat, sessions included, and continues after it.
 */
class ExportZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void zooKeeperStartedOnTheExportServesCoordinatorsTreeStatForStat() throws Exception {
        Path data = dir.resolve("coordinator-data");
        int port = LoopbackPorts.next();
        Map<String, Node> served;
        ZooKeeper owner;
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(CoordinatorApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--coordinator.client-port=" + port,
                        "--coordinator.data-dir=" + data,
                        "--coordinator.ttl-nodes-enabled=true")) {
            ZooKeeper writer = connect(port, 10_000);
            owner = connect(port, 30_000);
            ZooKeeperFixture.writeFirstPart(writer);
            ZooKeeperFixture.writeSecondPart(writer, owner);
            writer.close();
            served = dump(owner);
        }
        owner.close(500); // after the server stopped: the session and its ephemerals stay in the state
        assertThat(served).containsKeys("/app/eph", "/app/ttl", "/app/container/child", "/big", "/multi/a");

        Path cfg = ZooKeeperFixture.zooCfg(dir); // dataDir dir/zk-data
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ExportZooKeeper.run(
                new String[] {
                    "export-zookeeper", data.toString(), dir.resolve("zk-data").toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Exported " + served.size() + " znodes and 1 sessions at zxid 0x");

        long lastExported = served.values().stream()
                .mapToLong(n -> Math.max(n.stat().getMzxid(), n.stat().getPzxid()))
                .max()
                .orElseThrow();
        try (AutoCloseable zk = ZooKeeperFixture.start(cfg)) {
            ZooKeeper c = connect(clientPort(cfg), 10_000);
            try {
                Map<String, Node> back = dump(c);
                assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(served.keySet());
                for (String path : served.keySet()) {
                    assertThat(back.get(path)).as(path).isEqualTo(served.get(path));
                }
                Stat stat = new Stat();
                c.create("/on-zookeeper", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
                assertThat(stat.getCzxid()).isGreaterThan(lastExported);
            } finally {
                c.close();
            }
        }

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(ExportZooKeeper.run(
                        new String[] {
                            "export-zookeeper",
                            data.toString(),
                            dir.resolve("zk-data").toString()
                        },
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(again, true, StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(again.toString(StandardCharsets.UTF_8))
                .contains(dir.resolve("zk-data/version-2").toString())
                .contains("already holds files");
    }

    @Test
    void aDirectoryThatIsNoDataDirIsRefusedNamingItAndLeftAlone() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ExportZooKeeper.run(
                new String[] {
                    "export-zookeeper", empty.toString(), dir.resolve("zk").toString()
                },
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(empty.toString())
                .contains("is not a Coordinator data directory");
        assertThat(empty.resolve("log")).doesNotExist(); // nothing created in it
    }
}
