package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import io.coordinator.testsupport.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.metrics.MetricsContext;
import org.apache.zookeeper.metrics.MetricsProvider;
import org.apache.zookeeper.metrics.impl.NullMetricsProvider;
import org.apache.zookeeper.server.ServerMetrics;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * ZooKeeper's Prometheus names (PrometheusMetricsProvider of 3.9.5: gauges without labels, election_time a
 * summary) beside ours at /actuator/prometheus, at /metrics, and on the metrics port a ZooKeeper scrape job uses.
 * The gauge names are the ones ZooKeeper's own ZooKeeperServer.registerMetrics registers; election_time's type
 * is checked against ZooKeeper's source (ServerMetrics): its Prometheus provider is not on the test classpath.
 */
class ZooKeeperMetricNamesTest {
    @TempDir
    Path dir;

    /**
     * The gauges ZooKeeperServer.registerMetrics registers, recorded by running the method of the ZooKeeper on the
     * test classpath (3.9.5) against a metrics context that only notes their names: ZooKeeper's list, not one
     * written again here (its PrometheusMetricsProvider exposes each under its name, without labels).
     */
    static List<String> zooKeeperGauges(Path dataDir) throws Exception {
        List<String> names = new ArrayList<>();
        InvocationHandler noteGauges = (proxy, method, args) -> {
            if (method.getName().equals("registerGauge")) {
                names.add((String) args[0]);
            }
            return method.invoke(NullMetricsProvider.NullMetricsContext.INSTANCE, args);
        };
        MetricsContext recording = (MetricsContext) Proxy.newProxyInstance(
                MetricsContext.class.getClassLoader(), new Class<?>[] {MetricsContext.class}, noteGauges);
        MetricsProvider previous = ServerMetrics.getMetrics().getMetricsProvider();
        ServerMetrics.metricsProviderInitialized(new NullMetricsProvider() {
            @Override
            public MetricsContext getRootContext() {
                return recording;
            }
        });
        try {
            new GaugeRegistrar(dataDir.toFile()).registerMetrics();
        } finally {
            ServerMetrics.metricsProviderInitialized(previous);
        }
        return names;
    }

    /** A ZooKeeper server that is never started, for its protected registerMetrics. */
    private static final class GaugeRegistrar extends ZooKeeperServer {
        GaugeRegistrar(File dataDir) throws IOException {
            super(dataDir, dataDir, 2000);
            createSessionTracker(); // the local_sessions gauge reads it (its thread is not started)
        }

        @Override // declared here, so this package (the test) may call it
        protected void registerMetrics() {
            super.registerMetrics();
        }
    }

    /** The value of an unlabelled sample {@code name}. */
    static double sample(String scrape, String name) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no unlabelled sample " + name + " in the scrape"));
    }

    @Test
    void zooKeepersNamesAreScrapedBesideOursAndMove() throws Exception {
        int metricsPort = LoopbackPorts.next();
        try (ConfigurableApplicationContext app = StandaloneApp.start(
                dir.resolve("data"),
                "--coordinator.metrics-port=" + metricsPort,
                "--coordinator.web.users.admin.password={noop}pw",
                "--coordinator.web.users.admin.role=ADMIN")) {
            Http http = StandaloneApp.http(app, null, null);
            String before = http.get("/actuator/prometheus").body();
            List<String> zooKeeperGauges = zooKeeperGauges(dir.resolve("zookeeper"));
            assertThat(zooKeeperGauges).contains("avg_latency", "znode_count"); // the recording saw them
            for (String name : zooKeeperGauges) {
                assertThat(before).as(name).contains("# TYPE " + name + " gauge\n");
                sample(before, name);
            }
            assertThat(before).contains("# TYPE election_time summary\n").contains("election_time{quantile=\"0.5\"}");
            assertThat(sample(before, "election_time_count")).isZero(); // standalone: no election
            assertThat(before).contains("coordinator_znodes "); // ours are still there

            try (ZooKeeper zk =
                    TestClients.connect(app.getBean(ServerHandle.class).clientPortNumber())) {
                for (int i = 0; i < 3; i++) {
                    zk.create("/m" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                }
                zk.getData("/m0", true, null);
                String after = http.get("/actuator/prometheus").body();
                assertThat(sample(after, "znode_count")).isEqualTo(sample(before, "znode_count") + 3);
                assertThat(sample(after, "ephemerals_count")).isEqualTo(sample(before, "ephemerals_count") + 3);
                assertThat(sample(after, "watch_count")).isGreaterThanOrEqualTo(1);
                assertThat(sample(after, "num_alive_connections")).isGreaterThanOrEqualTo(1);
                assertThat(sample(after, "packets_received")).isGreaterThan(sample(before, "packets_received"));
                assertThat(sample(after, "approximate_data_size"))
                        .isGreaterThanOrEqualTo(sample(before, "approximate_data_size") + 300);
                assertThat(sample(after, "global_sessions")).isGreaterThanOrEqualTo(1);
                assertThat(after).doesNotContain("\nquorum_size "); // standalone, as ZooKeeper standalone

                // ZooKeeper's path on our HTTP port, and on the metrics port (where nothing else is served)
                assertThat(sample(http.get("/metrics").body(), "znode_count")).isEqualTo(sample(after, "znode_count"));
                Http metrics = new Http(metricsPort, null, null);
                Http.Response scraped = metrics.get("/metrics");
                assertThat(scraped.status()).isEqualTo(200);
                assertThat(sample(scraped.body(), "znode_count")).isEqualTo(sample(after, "znode_count"));
                assertThat(metrics.get("/api/config").status()).isEqualTo(404);
                assertThat(metrics.as("admin", "pw")
                                .get("/actuator/coordinator")
                                .status())
                        .isEqualTo(404);
            }
        }
    }
}
