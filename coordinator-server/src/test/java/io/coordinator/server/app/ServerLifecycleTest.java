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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Snapshots with retention, recovery from snapshot + log, and the container/TTL reaper, in the real app. */
class ServerLifecycleTest {
    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(int port, String... extra) {
        String[] base = {"--server.port=0", "--server.address=127.0.0.1", "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir};
        String[] all = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(all);
    }

    @Test
    void snapshotsAreTakenRetainedAndRecoveredWithTheLogAfterThem() throws Exception {
        int port = ServerStartupTest.freePort();
        try (ConfigurableApplicationContext ctx = start(port, "--coordinator.snapshot-every-txns=20",
                "--coordinator.snapshot-retain-count=2")) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
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
            } finally {
                zk.close();
            }
        }
        try (Stream<Path> snaps = Files.list(dir.resolve("snapshot"))) {
            assertThat(snaps.filter(p -> p.getFileName().toString().startsWith("snapshot.")).count())
                    .isBetween(1L, 2L);
        }
        try (ConfigurableApplicationContext ctx = start(port)) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
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
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void emptyContainersAndExpiredTtlNodesAreReaped() throws Exception {
        int port = ServerStartupTest.freePort();
        try (ConfigurableApplicationContext ctx = start(port, "--coordinator.container-check-interval=100ms",
                "--coordinator.ttl-nodes-enabled=true")) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
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
            } finally {
                zk.close();
            }
        }
    }

    private static CompletableFuture<WatchedEvent> deleted(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<WatchedEvent> f = new CompletableFuture<>();
        assertThat(zk.exists(path, e -> {
            if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                f.complete(e);
            }
        })).isNotNull();
        return f;
    }
}
