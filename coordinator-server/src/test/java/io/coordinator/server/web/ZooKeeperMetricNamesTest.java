package io.coordinator.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.server.ops.ServerHandle;
import io.coordinator.testsupport.LoopbackPorts;
import java.nio.file.Path;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * ZooKeeper's Prometheus names (PrometheusMetricsProvider of 3.9.5: gauges without labels, election_time a
 * summary) beside ours at /actuator/prometheus, at /metrics, and on the metrics port a ZooKeeper scrape job uses.
 * The names and types are checked against ZooKeeper's source (ZooKeeperServer.registerMetrics,
 * ServerMetrics): its Prometheus provider is not on the test classpath.
 */
class ZooKeeperMetricNamesTest {
    @TempDir
    Path dir;

    /** ZooKeeperServer.registerMetrics's gauges, as ZooKeeper 3.9.5's PrometheusMetricsProvider exposes them. */
    static final List<String> ZOOKEEPER_GAUGES = List.of(
            "avg_latency",
            "max_latency",
            "min_latency",
            "packets_received",
            "packets_sent",
            "num_alive_connections",
            "outstanding_requests",
            "uptime",
            "znode_count",
            "watch_count",
            "ephemerals_count",
            "approximate_data_size",
            "global_sessions",
            "local_sessions",
            "open_file_descriptor_count",
            "max_file_descriptor_count",
            "connection_drop_probability",
            "last_client_response_size",
            "max_client_response_size",
            "min_client_response_size",
            "outstanding_tls_handshake",
            "auth_failed_count",
            "non_mtls_remote_conn_count",
            "non_mtls_local_conn_count");

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
            for (String name : ZOOKEEPER_GAUGES) {
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
