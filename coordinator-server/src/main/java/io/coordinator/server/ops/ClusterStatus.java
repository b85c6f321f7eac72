package io.coordinator.server.ops;

import java.util.List;

/**
 * The cluster as one server sees it: the actuator's {@code coordinator} endpoint and {@code GET /api/cluster}.
 *
 * @param role         standalone, leader, follower, observer, looking, read-only or not-serving
 * @param ready        serving as a member of a quorum (or standalone): what the readiness probe reports
 * @param leaderId     the leader's server id, or null (standalone, looking)
 * @param lastZxid     hex, as ZooKeeper prints zxids
 */
public record ClusterStatus(
        int serverId,
        String mode,
        String role,
        boolean serving,
        boolean ready,
        Integer leaderId,
        long epoch,
        String lastZxid,
        List<PeerInfo> peers,
        int sessions,
        int znodes,
        int watches,
        int ephemerals,
        long approximateDataSize,
        int outstandingRequests,
        Fsync fsync,
        Traffic traffic) {

    /**
     * One member of the ensemble. {@code lagTxns} and {@code synced} are known only on the leader (null elsewhere).
     *
     * @param connection connected, disconnected, self, or unknown (a learner's view of another learner)
     */
    public record PeerInfo(int id, String role, String connection, Boolean synced, Long lagTxns, String ackedZxid) {}

    /** Group-commit fsyncs of the transaction log. */
    public record Fsync(long count, long lastMicros, long avgMicros, int queueDepth, long lastBatchSize) {}

    /** Client-port traffic since start (or since srst). */
    public record Traffic(
            long packetsReceived,
            long packetsSent,
            long minLatencyMs,
            double avgLatencyMs,
            long maxLatencyMs,
            int connections) {}
}
