package io.coordinator.server.net;

import java.util.List;

/** The keys ZooKeeper 3.9's {@code mntr} always prints (monitoring tools read them), for the tests that check them. */
public final class MntrKeys {

    public static final List<String> STANDARD = List.of(
            "zk_version",
            "zk_server_state",
            "zk_avg_latency",
            "zk_max_latency",
            "zk_min_latency",
            "zk_packets_received",
            "zk_packets_sent",
            "zk_num_alive_connections",
            "zk_outstanding_requests",
            "zk_uptime",
            "zk_znode_count",
            "zk_watch_count",
            "zk_ephemerals_count",
            "zk_approximate_data_size",
            "zk_open_file_descriptor_count",
            "zk_max_file_descriptor_count");

    private MntrKeys() {}
}
