package io.coordinator.server.ops;

import io.coordinator.server.net.ClientPortServer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apache ZooKeeper's Prometheus metric names (its PrometheusMetricsProvider, simpleclient 0.9.0), beside ours, so
 * dashboards and alerts written for ZooKeeper keep working: the gauges ZooKeeperServer.registerMetrics registers
 * (the values of mntr, no labels), {@code quorum_size} (QuorumZooKeeperServer) and the leader's gauges
 * (LeaderZooKeeperServer) on an ensemble member, and the summary {@code election_time} (ms, quantile 0.5).
 */
public final class ZooKeeperMetrics {
    /** ZooKeeperServer.registerMetrics: gauges named as mntr's values. */
    static final List<String> SERVER_GAUGES = List.of(
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

    /** LeaderZooKeeperServer.registerMetrics (leader_uptime left out: no counterpart); 0 on a non-leader. */
    static final List<String> LEADER_GAUGES = List.of(
            "learners",
            "synced_followers",
            "synced_non_voting_followers",
            "synced_observers",
            "pending_syncs",
            "last_proposal_size",
            "max_proposal_size",
            "min_proposal_size");

    private final ServerHandle server;
    private final DistributionSummary electionTime;
    private volatile Snapshot last = new Snapshot(0, Map.of(), ConcurrentHashMap.newKeySet());

    /**
     * mntr's values, computed once per scrape rather than once per gauge. A scrape reads each gauge once, so a gauge
     * read a second time from the same values starts the next scrape (a time window alone served a scrape that
     * closely followed another the older values); values older than 100 ms are never served (a reader of a single
     * gauge never reads the others).
     */
    private record Snapshot(long atNanos, Map<String, Object> values, Set<String> read) {}

    public ZooKeeperMetrics(ServerHandle server, MeterRegistry registry) {
        this.server = server;
        for (String name : SERVER_GAUGES) {
            gauge(registry, name);
        }
        if (!server.standalone()) {
            Gauge.builder(
                            "quorum_size",
                            server,
                            s -> s.members().stream().filter(m -> !m.observer()).count())
                    .description("quorum_size")
                    .register(registry);
            for (String name : LEADER_GAUGES) {
                gauge(registry, name);
            }
        }
        electionTime = DistributionSummary.builder("election_time")
                .description("election_time")
                .publishPercentiles(0.5)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name) {
        // ZooKeeper's help text is the name itself
        Gauge.builder(name, this, m -> m.value(name)).description(name).register(registry);
    }

    /** A finished election, as ZooKeeper's Leader/Follower add it to ServerMetrics.ELECTION_TIME. */
    void electionFinished(long millis) {
        electionTime.record(millis);
    }

    private double value(String name) {
        long now = System.nanoTime();
        Snapshot s = last;
        if (s.values().isEmpty()
                || now - s.atNanos() > 100_000_000L
                || !s.read().add(name)) {
            ClientPortServer port = server.clientPort();
            s = new Snapshot(
                    now,
                    port == null || server.view() == null
                            ? Map.of()
                            : port.words().monitorValues(),
                    ConcurrentHashMap.newKeySet());
            s.read().add(name);
            last = s;
        }
        Object v = s.values().get(name);
        return v instanceof Number n ? n.doubleValue() : 0; // ZooKeeper samples a missing value as 0
    }
}
