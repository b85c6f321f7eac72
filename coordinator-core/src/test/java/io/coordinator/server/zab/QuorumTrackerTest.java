package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumTrackerTest {

    /**
     * Learners written "id:kind:acked:heard", kind v (voter that acked NEWLEADER), s (voter still syncing) or o
     * (observer that acked NEWLEADER).
     */
    private static List<LearnerProgress> learners(String spec) {
        List<LearnerProgress> out = new ArrayList<>();
        if (spec.isBlank()) {
            return out;
        }
        for (String s : spec.trim().split(" ")) {
            String[] p = s.split(":");
            LearnerProgress l = new LearnerProgress(Integer.parseInt(p[0]), p[1].equals("o"), 1, Long.parseLong(p[3]));
            l.newLeaderAcked = !p[1].equals("s");
            l.acked = Long.parseLong(p[2]);
            out.add(l);
        }
        return out;
    }

    /** Voters 1..n, observers n+1..n+2 (server 1 leads). */
    private static ZabConfig config(int voters) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= voters + 2; i++) {
            peers.add(new Peer(i, i > voters));
        }
        return new ZabConfig(1, peers, 10, 5);
    }

    @ParameterizedTest(name = "{0} voters, leader durable {1}, learners [{2}] -> newLeader={3} durable={4}")
    @CsvSource({
        "3, 9, '', false, -1",
        "3, 9, '2:v:4:0', true, 4",
        "3, 9, '2:s:4:0', false, -1", // still syncing: does not count
        "3, 9, '2:v:4:0 3:v:7:0', true, 7",
        "3, 3, '2:v:4:0 3:v:7:0', true, 4", // the leader's own durable zxid counts like any voter's
        "3, 9, '4:o:9:0', false, -1", // observers never count
        "5, 9, '2:v:8:0 3:v:1:0', true, 1",
        "5, 9, '2:v:8:0 3:v:1:0 4:v:6:0', true, 6",
        "5, 9, '2:v:8:0 6:o:9:0 7:o:9:0', false, -1",
    })
    void quorums(int voters, long leaderDurable, String spec, boolean newLeader, long durable) {
        QuorumTracker q = new QuorumTracker(new Configs(config(voters)), 1);
        assertEquals(newLeader, q.newLeaderAcked(learners(spec)));
        assertEquals(durable, q.durableOnQuorum(leaderDurable, learners(spec)));
    }

    @ParameterizedTest(name = "{0} voters, learners [{1}], now {2} -> heard from a quorum={3}")
    @CsvSource({
        "3, '2:v:0:0', 5, true", // syncLimit 5
        "3, '2:v:0:0', 6, false",
        "3, '2:v:0:0 3:v:0:4', 6, true",
        "3, '2:s:0:6 4:o:0:6', 6, false", // a syncing voter or an observer does not keep the leader
        "5, '2:v:0:6 3:v:0:0 4:v:0:6', 6, true",
        "5, '2:v:0:6 3:v:0:0 4:v:0:0', 6, false",
    })
    void liveness(int voters, String spec, long now, boolean heard) {
        QuorumTracker q = new QuorumTracker(new Configs(config(voters)), 1);
        assertEquals(heard, q.heardFrom(learners(spec), now, 5));
    }

    @ParameterizedTest(name = "voters 1-3, reconfig to 1,4,5 pending, leader 1 durable 9, learners [{0}] -> {1}/{2}")
    @CsvSource({
        "'2:v:9:0', false, -1", // a quorum of the old config, only the leader in the new one
        "'4:v:9:0', false, -1", // a quorum of the new config, only the leader in the old one
        "'2:v:9:0 4:v:7:0', true, 7", // both: the lower of the two quorums' points
        "'2:v:5:0 4:v:7:0 5:v:8:0', true, 5",
        "'2:v:5:0 3:v:6:0 4:v:7:0', true, 6",
        "'2:v:9:0 4:s:9:0 5:o:9:0', false, -1", // a syncing voter or an observer kind counts in neither
    })
    void pendingReconfigNeedsBothQuorums(String spec, boolean newLeader, long durable) {
        Configs configs = new Configs(config(3));
        configs.appended(ConfigsTest.reconfig(Zxids.make(1, 2), "1,4,5"));
        QuorumTracker q = new QuorumTracker(configs, 1);
        assertEquals(newLeader, q.newLeaderAcked(learners(spec)));
        assertEquals(durable, q.durableOnQuorum(9, learners(spec)));
    }

    @ParameterizedTest(name = "voters 2,3,4 (the leader 1 is not one), learners [{0}] -> {1}/{2}")
    @CsvSource({
        "'2:v:9:0', false, -1", // the leader's own ack does not count where it is no voter
        "'2:v:9:0 3:v:4:0', true, 4",
    })
    void aLeaderOutsideTheConfigDoesNotCount(String spec, boolean newLeader, long durable) {
        Configs configs = new Configs(config(3).withMembers(7, ConfigsTest.members("2,3,4")));
        QuorumTracker q = new QuorumTracker(configs, 1);
        assertEquals(newLeader, q.newLeaderAcked(learners(spec)));
        assertEquals(durable, q.durableOnQuorum(9, learners(spec)));
    }
}
