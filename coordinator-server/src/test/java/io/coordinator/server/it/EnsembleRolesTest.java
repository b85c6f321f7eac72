package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Observers, and what a member does when it loses its quorum (with read-only mode on). */
@Timeout(180)
class EnsembleRolesTest {
    @TempDir
    Path dir;

    private static ZooKeeper connect(String cs, boolean canBeReadOnly, Watcher.Event.KeeperState wanted)
            throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(
                cs,
                30_000,
                e -> {
                    if (e.getState() == wanted) {
                        ready.complete(null);
                    }
                },
                canBeReadOnly);
        ready.get(60, TimeUnit.SECONDS);
        return zk;
    }

    private static String waitForMode(int port, String wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String mode = null;
        while (System.nanoTime() < deadline) {
            mode = Servers.modeOf(port);
            if (wanted.equals(mode)) {
                return mode;
            }
            Thread.sleep(100); // polling observable state (srvr)
        }
        return mode;
    }

    @Test
    void anObserverServesReadsAndForwardsWritesAndAQuorumLossMakesMembersReadOnly() throws Exception {
        try (Servers.EnsembleUnderTest e = Servers.coordinatorEnsemble(
                dir,
                false,
                3,
                1,
                List.of("--coordinator.read-only-mode-enabled=true", "--coordinator.tick-time=500"))) {
            int[] ports = e.clientPorts();
            assertThat(Servers.modeOf(ports[3])).isEqualTo("observer");
            int leader = -1;
            for (int i = 0; i < 3; i++) {
                if ("leader".equals(Servers.modeOf(ports[i]))) {
                    leader = i;
                }
            }
            // A learner reports its mode once it is UPTODATE; the leader counts it when its ack arrives, a moment
            // later.
            int leaderPort = ports[leader];
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(RawClient.fourLetterWord(leaderPort, "mntr"))
                            .contains("zk_learners\t3")
                            .contains("zk_synced_followers\t2")
                            .contains("zk_synced_observers\t1"));

            // Writes through the observer are decided by the leader and seen everywhere.
            ZooKeeper viaObserver = connect("127.0.0.1:" + ports[3], false, Watcher.Event.KeeperState.SyncConnected);
            viaObserver.create("/from-observer", "o".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(new String(viaObserver.getData("/from-observer", false, null)))
                    .isEqualTo("o");
            byte[] config = viaObserver.getData("/zookeeper/config", false, null);
            assertThat(new String(config)).contains("server.4=127.0.0.1:").contains(":observer;127.0.0.1:" + ports[3]);
            viaObserver.close();

            // Take away the quorum: both followers go. The leader steps down; with read-only mode on, the
            // survivors serve reads to clients that allow it and refuse writes.
            int survivor = leader;
            for (int i = 0; i < 3; i++) {
                if (i != leader) {
                    e.stopMember(i);
                }
            }
            assertThat(waitForMode(ports[survivor], "read-only")).isEqualTo("read-only");
            assertThat(RawClient.fourLetterWord(ports[survivor], "isro")).isEqualTo("ro");
            ZooKeeper ro = connect("127.0.0.1:" + ports[survivor], true, Watcher.Event.KeeperState.ConnectedReadOnly);
            try {
                assertThat(new String(ro.getData("/from-observer", false, null)))
                        .isEqualTo("o");
                assertThatThrownBy(() -> ro.create("/nope", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                        .isInstanceOf(KeeperException.NotReadOnlyException.class);
            } finally {
                ro.close();
            }
            assertThat(waitForMode(ports[3], "read-only")).isEqualTo("read-only");
        }
    }
}
