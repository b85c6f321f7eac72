package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.server.it.Servers;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A standalone server whose disk fills up (ENOSPC on every write and fsync) while clients write, or whose data
 * directory is read-only at start, through the storage hook's control file (nothing can be mounted here). The server acknowledges nothing it could
 * not make durable, stops serving (ZooKeeper exits), says why in its health (naming the log file and the cause),
 * and once the disk is writable again starts from its data on its own, with every acknowledged write.
 */
class FullDiskServerTest {
    @TempDir
    Path dir;

    @Test
    void aServerWhoseDiskFillsStopsSaysWhyAndLosesNothingAcknowledged() throws Exception {
        String fault = "enospc";
        int port = LoopbackPorts.next();
        Path control = dir.resolve("faults");
        Path data = dir.resolve("data");
        String[] args = args(port, data, control);
        List<String> acked = new ArrayList<>();
        try (ConfigurableApplicationContext ctx =
                CoordinatorApplication.application().run(args)) {
            CoordinatorServer server = ctx.getBean(CoordinatorServer.class);
            ZooKeeper zk = TestClients.connect(port);
            try {
                for (int i = 0; i < 20; i++) {
                    acked.add(zk.create("/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                }
                Files.writeString(control, fault);
                // writes go on until the hook sees the fault; each one acknowledged must survive
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try {
                        String p = "/n" + acked.size();
                        acked.add(zk.create(p, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                        return false;
                    } catch (KeeperException e) {
                        return true;
                    }
                });
                assertStoppedForAFullDisk(ctx, data);
                assertThat(server.isRunning())
                        .as("the process and its lifecycle stay up")
                        .isTrue();

                // space returns: the server starts again from its data on its own, as a restart would
                Files.delete(control);
                await().atMost(Duration.ofSeconds(60)).until(server::isServing);
                assertThat(ctx.getBean("coordinatorHealthIndicator", HealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.UP);
            } finally {
                zk.close(1000);
            }
            ZooKeeper again = TestClients.connect(port);
            try {
                assertAllThere(again, acked);
                again.create("/resumed", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                acked.add("/resumed");
            } finally {
                again.close(1000);
            }
        }

        // and what it acknowledged after resuming survives a restart
        try (ConfigurableApplicationContext ctx =
                CoordinatorApplication.application().run(args)) {
            ZooKeeper zk = TestClients.connect(port);
            try {
                assertAllThere(zk, acked);
                zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } finally {
                zk.close(1000);
            }
        }
    }

    /**
     * A follower whose disk fills: the leader and the other follower keep acknowledging every write, the follower
     * stops serving and says why, and once it can write again it rejoins and serves every acknowledged write.
     */
    @Test
    void anEnsembleMemberWhoseDiskFillsStepsAsideAndRejoinsOnceItCanWrite() throws Exception {
        // one control file per member: the property's placeholder is resolved per context
        String faults = "--coordinator.testing.storage-faults-file=" + dir.resolve("faults-${coordinator.server-id}");
        try (Servers.EnsembleUnderTest ensemble =
                Servers.coordinatorEnsemble(dir.resolve("ensemble"), false, 3, 0, List.of(faults))) {
            int[] ports = ensemble.clientPorts();
            int leader = -1;
            int full = -1;
            for (int i = 0; i < ports.length; i++) {
                String mode = Servers.modeOf(ports[i]);
                if ("leader".equals(mode)) {
                    leader = i;
                } else if (full < 0) {
                    full = i;
                }
            }
            CoordinatorServer fullServer = ensemble.context(full).getBean(CoordinatorServer.class);
            List<String> acked = new ArrayList<>();
            ZooKeeper zk = TestClients.connect(ports[leader]);
            try {
                for (int i = 0; i < 20; i++) {
                    acked.add(zk.create("/m" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                }
                Files.writeString(dir.resolve("faults-" + (full + 1)), "enospc");
                // the quorum (the leader and the other follower) acknowledges every write meanwhile
                for (int i = 20; i < 120; i++) {
                    acked.add(zk.create("/m" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> !fullServer.isServing());
                Health health = ensemble.context(full)
                        .getBean("coordinatorHealthIndicator", HealthIndicator.class)
                        .health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(String.valueOf(health.getDetails().get("storageFailure")))
                        .contains("No space left on device");
                for (int i = 120; i < 140; i++) {
                    acked.add(zk.create("/m" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                }

                Files.delete(dir.resolve("faults-" + (full + 1)));
                await().atMost(Duration.ofSeconds(60)).until(fullServer::isServing);
                assertThat(Servers.modeOf(ports[full])).isEqualTo("follower");
            } finally {
                zk.close(1000);
            }
            ZooKeeper onRejoined = TestClients.connect(ports[full]);
            try {
                onRejoined.sync("/", (rc, path, ctx) -> {}, null);
                assertAllThere(onRejoined, acked);
            } finally {
                onRejoined.close(1000);
            }
        }
    }

    /** The server stops serving, and its health is DOWN naming its log and the full disk. */
    static void assertStoppedForAFullDisk(ConfigurableApplicationContext ctx, Path data) {
        CoordinatorServer server = ctx.getBean(CoordinatorServer.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> !server.isServing());
        Health health =
                ctx.getBean("coordinatorHealthIndicator", HealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(String.valueOf(health.getDetails().get("storageFailure")))
                .contains(data.resolve("log").toString())
                .contains("No space left on device");
    }

    private static void assertAllThere(ZooKeeper zk, List<String> acked) throws Exception {
        for (String p : acked) {
            assertThat(zk.exists(p, false)).as(p + " was acknowledged").isNotNull();
        }
    }

    @Test
    void aReadOnlyDataDirectoryFailsTheStartNamingTheFileAndTheCause() throws Exception {
        int port = LoopbackPorts.next();
        Path control = dir.resolve("faults");
        Path data = dir.resolve("data");
        Files.writeString(control, "readonly");
        assertThatThrownBy(() -> CoordinatorApplication.application().run(args(port, data, control)))
                .hasStackTraceContaining("Data directory " + data + " cannot be written")
                .hasStackTraceContaining(data.resolve("lock").toString())
                .hasStackTraceContaining("Read-only file system");
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
                    .as("nothing serves")
                    .isInstanceOf(IOException.class);
        }
    }

    private static String[] args(int port, Path data, Path control) {
        return new String[] {
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--coordinator.client-port=" + port,
            "--coordinator.data-dir=" + data,
            "--coordinator.testing.storage-faults-file=" + control
        };
    }
}
