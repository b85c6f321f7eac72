package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Snapshots with retention, recovery from snapshot + log, and the container/TTL reaper, in the real app. */
class ServerLifecycleTest {
    @RegisterExtension
    final TestApp app = new TestApp();

    @Test
    void snapshotsAreTakenRetainedAndRecoveredWithTheLogAfterThem() throws Exception {
        try (ConfigurableApplicationContext ctx =
                        app.start("--coordinator.snapshot-every-txns=20", "--coordinator.snapshot-retain-count=2");
                ZooKeeper zk = app.client()) {
            zk.create("/s", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < 150; i++) {
                zk.create("/s/n" + i, ("v" + i).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            for (int i = 0; i < 150; i += 3) {
                zk.setData("/s/n" + i, ("w" + i).getBytes(), 0);
            }
            for (int i = 1; i < 150; i += 3) {
                zk.delete("/s/n" + i, -1);
            }
        }
        try (Stream<Path> snaps = Files.list(app.dataDir().resolve("snapshot"))) {
            assertThat(snaps.filter(p -> p.getFileName().toString().startsWith("snapshot."))
                            .count())
                    .isBetween(1L, 2L);
        }
        try (ConfigurableApplicationContext ctx = app.start();
                ZooKeeper zk = app.client()) {
            Stat parent = zk.exists("/s", false);
            assertThat(parent.getNumChildren()).isEqualTo(100);
            assertThat(parent.getCversion()).isEqualTo(2 * 150 - 100);
            for (int i = 0; i < 150; i++) {
                Stat st = new Stat();
                if (i % 3 == 1) {
                    assertThat(zk.exists("/s/n" + i, false)).isNull();
                } else {
                    byte[] data = zk.getData("/s/n" + i, false, st);
                    assertThat(new String(data)).isEqualTo((i % 3 == 0 ? "w" : "v") + i);
                    assertThat(st.getVersion()).isEqualTo(i % 3 == 0 ? 1 : 0);
                }
            }
        }
    }

    @Test
    void emptyContainersAndExpiredTtlNodesAreReaped() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start(
                        "--coordinator.container-check-interval=100ms", "--coordinator.ttl-nodes-enabled=true");
                ZooKeeper zk = app.client()) {
            zk.create("/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            zk.create("/never-used", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            zk.create("/c/child", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/ttl", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 200);

            CompletableFuture<WatchedEvent> containerGone = deleted(zk, "/c");
            CompletableFuture<WatchedEvent> ttlGone = deleted(zk, "/ttl");
            zk.delete("/c/child", -1);
            assertThat(containerGone.get(30, TimeUnit.SECONDS).getType())
                    .isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(ttlGone.get(30, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            // a container that never had a child stays, as in ZooKeeper
            assertThat(zk.exists("/never-used", false)).isNotNull();
        }
    }

    private static CompletableFuture<WatchedEvent> deleted(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<WatchedEvent> f = new CompletableFuture<>();
        assertThat(zk.exists(path, e -> {
                    if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                        f.complete(e);
                    }
                }))
                .isNotNull();
        return f;
    }
}
