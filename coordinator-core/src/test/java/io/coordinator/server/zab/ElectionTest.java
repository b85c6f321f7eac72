package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coordinator.server.zab.Election.Vote;
import io.coordinator.server.zab.ZabMessage.Notification;
import io.coordinator.server.zab.sim.ZabText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fast leader election's decisions, one notification at a time (the ensemble-level runs are testdata scripts). */
class ElectionTest {

    private static boolean observerOfLastElection;

    private static Election election(int myId, int voters, boolean observer) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= voters; i++) {
            peers.add(new Peer(i, false));
        }
        peers.add(new Peer(voters + 1, true)); // the observer (myId when observer)
        observerOfLastElection = observer;
        return new Election(myId, new Configs(new ZabConfig(myId, peers, 10, 5)));
    }

    /** "leader:epoch:zxid" */
    private static Vote vote(String s) {
        String[] p = s.split(":");
        return new Vote(Integer.parseInt(p[0]), Long.parseLong(p[2]), Long.parseLong(p[1]));
    }

    @ParameterizedTest(name = "{0} beats {1}: {2}")
    @CsvSource({
        "1:2:0, 3:1:9, true", // a newer epoch beats a longer log
        "3:1:9, 1:2:0, false",
        "1:1:9, 3:1:5, true", // same epoch: the longer log
        "3:1:5, 1:1:9, false",
        "3:1:5, 2:1:5, true", // same history: the higher id
        "2:1:5, 2:1:5, false", // a vote does not beat itself
        "2:1:0, -1:5:9, true", // any candidate beats a vote for nobody (a joiner not in its configs yet)
        "-1:5:9, 2:1:0, false",
        "-1:5:9, -1:1:0, false",
    })
    void votesAreOrderedByEpochThenZxidThenId(String a, String b, boolean beats) {
        assertEquals(beats, vote(a).beats(vote(b)));
    }

    /**
     * Server 1 of {@code voters} starts a round voting {@code mine}, then gets, in order, LOOKING votes
     * "from>leader:epoch:zxid@round" (round 1 is its own); the expected proposal after the last one and the steps.
     */
    @ParameterizedTest(name = "{0} voters, mine {1}, got [{2}] -> proposal {3}, steps [{4}]")
    @CsvSource({
        // a better vote is adopted and re-broadcast; with 2 of 3 agreeing the decision waits a tick
        "3, 1:1:5, 2>2:1:7@1, 2:1:7, broadcast",
        // a worse vote changes nothing; 1 of 3 agree with the proposal -> no decision
        "3, 1:1:9, 2>2:1:7@1, 1:1:9, -",
        // all agree: decided at once
        "3, 1:1:5, 2>3:1:9@1 3>3:1:9@1, 3:1:9, broadcast decided=3",
        // a vote from an older round is answered with our own notification, not counted
        "3, 1:1:5, 2>2:1:9@0, 1:1:5, reply",
        // a newer round: restart from my own vote and take the better of the two
        "3, 1:1:5, 2>2:1:1@7, 1:1:5, broadcast",
        // a vote for an observer (id 4 is not a voter) is ignored
        "3, 1:1:5, 2>4:1:9@1, 1:1:5, -",
        // a vote from a non-voter is ignored
        "3, 1:1:5, 4>4:1:9@1, 1:1:5, -",
        // a voter with no candidate, in a newer round: its vote is not taken, its round is (or both wait forever)
        "3, 1:1:5, 2>-1:1:9@7, 1:1:5, broadcast",
        // ... in this or an older round: nothing
        "3, 1:1:5, 2>-1:1:9@1, 1:1:5, -",
        // 5 voters: the first agreeing peer makes 2 of 5, not a quorum
        "5, 1:1:5, 2>1:1:5@1, 1:1:5, -",
    })
    void lookingVotes(int voters, String mine, String got, String proposal, String steps) {
        Election e = election(1, voters, false);
        e.restart(vote(mine), !observerOfLastElection);
        StringBuilder seen = new StringBuilder();
        for (String g : got.split(" ")) {
            int from = Integer.parseInt(g.substring(0, g.indexOf('>')));
            Vote v = vote(g.substring(g.indexOf('>') + 1, g.indexOf('@')));
            long round = Long.parseLong(g.substring(g.indexOf('@') + 1));
            Election.Step s = e.onVote(
                    from, new Notification(v.leader(), v.zxid(), v.peerEpoch(), round, Role.LOOKING), vote(mine), 0);
            seen.append(s.reply() ? " reply" : "")
                    .append(s.broadcast() ? " broadcast" : "")
                    .append(s.decided() >= 0 ? " decided=" + s.decided() : "");
        }
        assertEquals(vote(proposal), e.proposal());
        assertEquals(steps, seen.isEmpty() ? "-" : seen.toString().trim());
    }

    @ParameterizedTest(name = "quorum that agreed at tick {0}, tick at {1}: decided {2}")
    @CsvSource({"0, 0, -1", "0, 1, 2", "0, 5, 2"})
    void aQuorumDecidesOneTickLater(long at, long tick, int decided) {
        Election e = election(1, 3, false);
        e.restart(vote("1:1:5"), !observerOfLastElection);
        e.onVote(2, new Notification(2, 7, 1, 1, Role.LOOKING), vote("1:1:5"), at);
        assertEquals(decided, e.tick(tick));
    }

    /**
     * A looking server 1 hears from established peers "from>leader:STATE" (of its round); the leader it joins or,
     * when that is itself, leads (-1: none yet).
     */
    @ParameterizedTest(name = "observer={0}: [{1}] -> {2}")
    @CsvSource({
        "false, 2>3:FOLLOWING, -1", // no word from the leader itself
        "false, 3>3:LEADING, 3", // the leader and I are 2 of 3
        "false, 2>3:FOLLOWING 3>3:LEADING, 3",
        "false, 3>2:FOLLOWING, -1", // 3 says 2 leads, 2 has not said so
        "false, 2>1:LEADING, -1", // another's claim to lead with me as leader is nonsense: ignored
        "false, 2>1:FOLLOWING, 1", // a peer follows me in this round: with my own vote, a quorum; I lead
        "true, 2>4:FOLLOWING, -1", // an observer never leads
        "true, 3>3:LEADING, 3", // an observer follows whoever says it leads
        "true, 2>3:FOLLOWING, -1",
    })
    void joiningAnEstablishedEnsemble(boolean observer, String got, int joins) {
        Election e = election(observer ? 4 : 1, 3, observer);
        e.restart(vote((observer ? -1 : 1) + ":1:0"), !observerOfLastElection);
        int result = -1;
        for (String g : got.split(" ")) {
            int from = Integer.parseInt(g.substring(0, g.indexOf('>')));
            String[] p = g.substring(g.indexOf('>') + 1).split(":");
            result = e.onEstablished(from, new Notification(Integer.parseInt(p[0]), 0, 1, 1, Role.valueOf(p[1])));
        }
        assertEquals(joins, result);
    }

    /**
     * Server 1 of [1,2,3] holds a pending reconfig to {@code pending}; peers that follow it in its round
     * ("from" FOLLOWING 1) count as votes against both configs' quorums (reconfig simulation seed 8228: the
     * followers of a candidate with a pending reconfig never voted LOOKING again, and it never led).
     */
    @ParameterizedTest(name = "pending [{0}], followed by [{1}] -> {2}")
    @CsvSource({
        "'1o,2,3', 2 3, 1", // the new config's voters are 2 and 3: both follow
        "'1o,2,3', 2, -1", // a quorum of the old config, not of the new one
        "'1,2,3,4', 2, -1", // 2 of the 4 new voters are not a quorum of them
        "'1,2,3,4', 2 4, 1", // 1, 2, 4: a quorum of both (4 is a voter of the pending config)
    })
    void followersOfAPendingReconfigsCandidateCountInEveryConfig(String pending, String followers, int leads) {
        Configs configs = new Configs(new ZabConfig(1, ConfigsTest.members("1,2,3"), 10, 5));
        configs.appended(ConfigsTest.reconfig(ZabText.parseZxid("1.2"), pending));
        Election e = new Election(1, configs);
        e.restart(vote("1:1:2"), true);
        int result = -1;
        for (String f : followers.split(" ")) {
            result = e.onEstablished(Integer.parseInt(f), new Notification(1, 2, 1, 1, Role.FOLLOWING));
        }
        assertEquals(leads, result);
    }
}
