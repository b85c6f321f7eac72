package io.coordinator.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The client-port limits on the real server, with the official ZooKeeper client: each refuses or holds back
 * only the client that exceeds it, is counted in coordinator.limit.* metrics, and leaves other sessions alone.
 * (Back-pressure of max-outstanding-requests-per-connection is proven deterministically in BackPressureTest.)
 */
class LimitsTest {
    @RegisterExtension
    final TestApp app = new TestApp();

    private static double rejections(ConfigurableApplicationContext ctx, String limit) {
        return ctx.getBean(MeterRegistry.class)
                .get("coordinator.limit.rejections")
                .tag("limit", limit)
                .functionCounter()
                .count();
    }

    @Test
    void watchesBeyondTheSessionLimitAreRefusedWithBadArguments() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start("--coordinator.max-watches-per-session=3");
                ZooKeeper a = app.client();
                ZooKeeper b = app.client()) {
            assertThat(a.exists("/w1", true)).isNull();
            a.create("/w2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            a.getData("/w2", true, null);
            a.getChildren("/", true);

            assertThatThrownBy(() -> a.exists("/w4", true))
                    .isInstanceOf(KeeperException.BadArgumentsException.class)
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
        }
    }

    @Test
    void anOversizedRequestClosesOnlyItsConnectionAndTheSessionGoesOn() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start("--coordinator.max-packet-size=4096");
                ZooKeeper big = app.client();
                ZooKeeper other = app.client()) {
            big.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThatThrownBy(() -> big.setData("/big", new byte[8000], -1))
                    .isInstanceOf(KeeperException.ConnectionLossException.class);
            assertThat(rejections(ctx, "max-packet-size")).isEqualTo(1);
            assertThat(other.exists("/big", false)).isNotNull();
            // the client reconnects with its session; a request under the limit goes through
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> big.setData("/big", new byte[100], -1) != null);
            assertThat(big.getData("/big", false, null)).hasSize(100);
        }
    }

    @Test
    void connectionsBeyondThePerIpLimitAreRefusedAndTheOthersKeepWorking() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start("--coordinator.max-client-connections=2");
                ZooKeeper a = app.client();
                ZooKeeper b = app.client();
                ZooKeeper third = new ZooKeeper("127.0.0.1:" + app.port(), 10_000, e -> {})) {
            await().atMost(Duration.ofSeconds(30)).until(() -> rejections(ctx, "max-client-connections") >= 1);
            assertThat(third.getState().isConnected()).isFalse();
            a.create("/ok", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(b.exists("/ok", false)).isNotNull();
        }
    }

    @Test
    void manyPipelinedRequestsOverTheOutstandingLimitAllSucceedInOrder() throws Exception {
        try (ConfigurableApplicationContext ctx = app.start("--coordinator.max-outstanding-requests-per-connection=2");
                ZooKeeper zk = app.client()) {
            int n = 300;
            List<Integer> codes = new CopyOnWriteArrayList<>();
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                zk.create(
                        "/p" + i,
                        new byte[10],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT,
                        (rc, path, c, name) -> {
                            codes.add(rc);
                            order.add(path);
                            done.countDown();
                        },
                        null);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(codes).containsOnly(0);
            assertThat(order)
                    .as("answered in the order sent")
                    .isEqualTo(java.util.stream.IntStream.range(0, n)
                            .mapToObj(i -> "/p" + i)
                            .toList());
            assertThat(zk.getAllChildrenNumber("/")).isGreaterThanOrEqualTo(n);
            // the meter exists (whether reading paused here depends on timing; BackPressureTest proves it)
            assertThat(ctx.getBean(MeterRegistry.class)
                            .get("coordinator.limit.backpressure")
                            .functionCounter())
                    .isNotNull();
        }
    }

    @Test
    void invalidLimitsStopStartupNamingTheProperty() {
        assertThatThrownBy(() -> app.start("--coordinator.max-watches-per-session=-1"))
                .hasStackTraceContaining("maxWatchesPerSession");
        assertThatThrownBy(() -> app.start("--coordinator.max-outstanding-requests-per-connection=0"))
                .hasStackTraceContaining("maxOutstandingRequestsPerConnection");
    }
}
