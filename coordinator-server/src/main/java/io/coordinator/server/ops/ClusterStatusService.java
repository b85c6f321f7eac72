package io.coordinator.server.ops;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.net.ServerStats;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.zab.PeerStatus;
import io.coordinator.server.zab.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds {@link ClusterStatus} from the running server; cheap, callable from any thread. */
public final class ClusterStatusService {
    private final ServerHandle server;

    public ClusterStatusService(ServerHandle server) {
        this.server = server;
    }

    /** Ready: serving writes and reads as part of a quorum (a leader or a synced learner), or standalone. */
    public boolean isReady() {
        ServerView view = server.view();
        if (view == null || !server.isServing() || view.isReadOnly()) {
            return false;
        }
        String mode = view.mode();
        return "standalone".equals(mode) || "leader".equals(mode) || "follower".equals(mode) || "observer".equals(mode);
    }

    public ClusterStatus status() {
        ServerView view = server.view();
        EnsembleDriver driver = server.ensemble();
        boolean serving = server.isServing();
        String mode = view == null ? "not-serving" : view.mode();
        String role;
        Integer leaderId = null;
        long epoch = 0;
        if (server.standalone()) {
            role = "standalone";
        } else if (driver == null) {
            role = "not-serving";
        } else {
            role = roleName(driver.role());
            if (view != null && view.isReadOnly()) {
                role = "read-only";
            }
            leaderId = driver.leaderId() < 0 || driver.role() == Role.LOOKING ? null : driver.leaderId();
            epoch = driver.currentEpoch();
        }
        long zxid = view == null ? 0 : view.lastProcessedZxid();
        return new ClusterStatus(
                server.serverId(),
                mode,
                role,
                serving,
                isReady(),
                leaderId,
                epoch,
                "0x" + Long.toHexString(zxid),
                peers(driver, leaderId),
                view == null ? 0 : view.sessionCount(),
                view == null ? 0 : view.nodeCount(),
                view == null ? 0 : view.watchCount(),
                view == null ? 0 : view.ephemeralCount(),
                view == null ? 0 : view.approximateDataSize(),
                view == null ? 0 : view.outstandingRequests(),
                fsync(server.commitLog()),
                traffic(server.clientPort()));
    }

    /** Every member as this server sees it now; cheap (the console's member events compare it ten times a second). */
    public List<ClusterStatus.PeerInfo> peers() {
        EnsembleDriver driver = server.ensemble();
        Integer leaderId =
                driver == null || driver.leaderId() < 0 || driver.role() == Role.LOOKING ? null : driver.leaderId();
        return peers(driver, leaderId);
    }

    private List<ClusterStatus.PeerInfo> peers(EnsembleDriver driver, Integer leaderId) {
        List<ClusterStatus.PeerInfo> out = new ArrayList<>();
        if (server.standalone()) {
            return out;
        }
        Map<Integer, PeerStatus> leaderView = driver == null ? Map.of() : driver.peers();
        for (ServerHandle.Member m : server.members()) {
            String role = leaderId != null && leaderId == m.id() ? "leader" : m.observer() ? "observer" : "follower";
            if (m.id() == server.serverId()) {
                out.add(new ClusterStatus.PeerInfo(
                        m.id(), driver == null ? "not-serving" : roleName(driver.role()), "self", null, null, null));
                continue;
            }
            if (leaderId == null && !m.observer()) {
                role = "participant";
            }
            PeerStatus ps = leaderView.get(m.id());
            boolean connected = driver != null && driver.isConnected(m.id());
            if (ps != null) {
                // The connection as the transport sees it now: a dead learner's connection closes at once, while
                // the core's view of its learners is copied once a tick and drops a learner only after that close.
                out.add(new ClusterStatus.PeerInfo(
                        m.id(),
                        role,
                        connected ? "connected" : "disconnected",
                        ps.synced(),
                        ps.lag(),
                        "0x" + Long.toHexString(ps.ackedZxid())));
            } else {
                // Learners connect to their leader only: another learner's state is not known here.
                boolean knowable = leaderId == null || leaderId == server.serverId() || leaderId == m.id();
                String connection = connected ? "connected" : knowable ? "disconnected" : "unknown";
                out.add(new ClusterStatus.PeerInfo(m.id(), role, connection, null, null, null));
            }
        }
        return out;
    }

    static String roleName(Role role) {
        return switch (role) {
            case LEADING -> "leader";
            case FOLLOWING -> "follower";
            case OBSERVING -> "observer";
            case LOOKING -> "looking";
        };
    }

    private static ClusterStatus.Fsync fsync(GroupCommitLog log) {
        if (log == null) {
            return new ClusterStatus.Fsync(0, 0, 0, 0, 0);
        }
        return new ClusterStatus.Fsync(
                log.fsyncCount(), log.lastFsyncMicros(), log.avgFsyncMicros(), log.queueDepth(), log.lastBatchSize());
    }

    private static ClusterStatus.Traffic traffic(ClientPortServer port) {
        if (port == null) {
            return new ClusterStatus.Traffic(0, 0, 0, 0, 0, 0);
        }
        ServerStats s = port.stats();
        long min = s.latencyCount() == 0 ? 0 : s.minLatency();
        return new ClusterStatus.Traffic(
                s.packetsReceived(),
                s.packetsSent(),
                min,
                s.avgLatency(),
                s.latencyCount() == 0 ? 0 : s.maxLatency(),
                port.connections().size());
    }
}
