package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coordinator.testsupport.LoopbackPorts;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The client-port limits on the real server, with the official ZooKeeper client: each refuses or holds back
 * only the client that exceeds it, is counted in coordinator.limit.* metrics, and leaves other sessions alone.
 * (Back-pressure of max-outstanding-requests-per-connection is proven deterministically in BackPressureTest.)
 */
class LimitsTest {
    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(int port, String... extra) {
        String[] base = {"--server.port=0", "--server.address=127.0.0.1", "--coordinator.client-port=" + port,
                "--coordinator.data-dir=" + dir};
        String[] all = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return new SpringApplicationBuilder(CoordinatorApplication.class).run(all);
    }

    private static double rejections(ConfigurableApplicationContext ctx, String limit) {
        return ctx.getBean(MeterRegistry.class).get("coordinator.limit.rejections").tag("limit", limit)
                .functionCounter().count();
    }

    @Test
    void watchesBeyondTheSessionLimitAreRefusedWithBadArguments() throws Exception {
        int port = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = start(port, "--coordinator.max-watches-per-session=3")) {
            ZooKeeper a = TestClients.connect("127.0.0.1:" + port);
            ZooKeeper b = TestClients.connect("127.0.0.1:" + port);
            try {
                a.create("/w2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(a.exists("/w1", true)).isNull();
                a.getData("/w2", true, null);
                a.getChildren("/", true);

                assertThatThrownBy(() -> a.exists("/w4", true)).isInstanceOf(KeeperException.BadArgumentsException.class)
                        .hasMessageContaining("/w4");
                assertThatThrownBy(() -> a.addWatch("/w5", AddWatchMode.PERSISTENT))
                        .isInstanceOf(KeeperException.BadArgumentsException.class);
                assertThat(rejections(ctx, "max-watches-per-session")).isEqualTo(2);
                // re-arming a held watch, reads without a watch and reads that arm nothing still work
                assertThat(a.exists("/w1", true)).isNull();
                assertThat(a.exists("/w4", false)).isNull();
                assertThatThrownBy(() -> a.getData("/missing", true, null))
                        .isInstanceOf(KeeperException.NoNodeException.class);
                // other sessions are unaffected
                assertThat(b.exists("/w4", true)).isNull();
                b.addWatch("/w5", AddWatchMode.PERSISTENT);

                // a fired watch is no longer held: the session may arm another
                CountDownLatch fired = new CountDownLatch(1);
                a.exists("/w1", event -> fired.countDown());
                b.create("/w1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(fired.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(a.exists("/w4", true)).isNull();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void anOversizedRequestClosesOnlyItsConnectionAndTheSessionGoesOn() throws Exception {
        int port = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = start(port, "--coordinator.max-packet-size=4096")) {
            ZooKeeper big = TestClients.connect("127.0.0.1:" + port);
            ZooKeeper other = TestClients.connect("127.0.0.1:" + port);
            try {
                big.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThatThrownBy(() -> big.setData("/big", new byte[8000], -1))
                        .isInstanceOf(KeeperException.ConnectionLossException.class);
                assertThat(rejections(ctx, "max-packet-size")).isEqualTo(1);
                assertThat(other.exists("/big", false)).isNotNull();
                // the client reconnects with its session; a request under the limit goes through
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> big.setData("/big", new byte[100], -1) != null);
                assertThat(big.getData("/big", false, null)).hasSize(100);
            } finally {
                big.close();
                other.close();
            }
        }
    }

    @Test
    void connectionsBeyondThePerIpLimitAreRefusedAndTheOthersKeepWorking() throws Exception {
        int port = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = start(port, "--coordinator.max-client-connections=2")) {
            ZooKeeper a = TestClients.connect("127.0.0.1:" + port);
            ZooKeeper b = TestClients.connect("127.0.0.1:" + port);
            ZooKeeper third = new ZooKeeper("127.0.0.1:" + port, 10_000, e -> { });
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> rejections(ctx, "max-client-connections") >= 1);
                assertThat(third.getState().isConnected()).isFalse();
                a.create("/ok", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertThat(b.exists("/ok", false)).isNotNull();
            } finally {
                third.close();
                a.close();
                b.close();
            }
        }
    }

    @Test
    void manyPipelinedRequestsOverTheOutstandingLimitAllSucceedInOrder() throws Exception {
        int port = LoopbackPorts.next();
        try (ConfigurableApplicationContext ctx = start(port,
                "--coordinator.max-outstanding-requests-per-connection=2")) {
            ZooKeeper zk = TestClients.connect("127.0.0.1:" + port);
            try {
                int n = 300;
                List<Integer> codes = new CopyOnWriteArrayList<>();
                List<String> order = new CopyOnWriteArrayList<>();
                CountDownLatch done = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    zk.create("/p" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, c, name) -> {
                                codes.add(rc);
                                order.add(path);
                                done.countDown();
                            }, null);
                }
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                assertThat(codes).containsOnly(0);
                assertThat(order).as("answered in the order sent")
                        .isEqualTo(java.util.stream.IntStream.range(0, n).mapToObj(i -> "/p" + i).toList());
                assertThat(zk.getAllChildrenNumber("/")).isGreaterThanOrEqualTo(n);
                // the meter exists (whether reading paused here depends on timing; BackPressureTest proves it)
                assertThat(ctx.getBean(MeterRegistry.class).get("coordinator.limit.backpressure").functionCounter())
                        .isNotNull();
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void invalidLimitsStopStartupNamingTheProperty() {
        assertThatThrownBy(() -> start(0, "--coordinator.max-watches-per-session=-1"))
                .hasStackTraceContaining("maxWatchesPerSession");
        assertThatThrownBy(() -> start(0, "--coordinator.max-outstanding-requests-per-connection=0"))
                .hasStackTraceContaining("maxOutstandingRequestsPerConnection");
    }
}
