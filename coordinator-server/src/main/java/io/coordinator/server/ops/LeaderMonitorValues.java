package io.coordinator.server.ops;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.cluster.ProposalSizes;
import io.coordinator.server.zab.PeerStatus;
import io.coordinator.server.zab.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/** The mntr and srvr values a ZooKeeper 3.9 leader reports (LeaderZooKeeperServer.dumpMonitorValues), from the
 * driver's read-only views. Empty on a follower, an observer or a member looking for a leader. */
public final class LeaderMonitorValues {
    private LeaderMonitorValues() {}

    public static Map<String, Object> of(EnsembleDriver driver) {
        if (driver.role() != Role.LEADING) {
            return Map.of();
        }
        Map<Integer, PeerStatus> peers = driver.peers();
        ProposalSizes sizes = driver.proposalSizes();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learners", peers.values().stream().filter(PeerStatus::connected).count());
        m.put(
                "synced_followers",
                peers.values().stream().filter(p -> p.synced() && !p.observer()).count());
        m.put("synced_non_voting_followers", 0);
        m.put(
                "synced_observers",
                peers.values().stream().filter(p -> p.synced() && p.observer()).count());
        m.put("pending_syncs", 0);
        m.put("last_proposal_size", sizes.last());
        m.put("max_proposal_size", sizes.max());
        m.put("min_proposal_size", sizes.min());
        return m;
    }

    /** srvr's "Proposal sizes last/min/max" line, leader only (null elsewhere: the line is left out). */
    public static String proposalSizes(EnsembleDriver driver) {
        if (driver.role() != Role.LEADING) {
            return null;
        }
        ProposalSizes sizes = driver.proposalSizes();
        return sizes.last() + "/" + sizes.min() + "/" + sizes.max();
    }
}
