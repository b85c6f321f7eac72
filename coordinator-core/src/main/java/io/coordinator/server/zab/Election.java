package io.coordinator.server.zab;

import io.coordinator.server.zab.ZabMessage.Notification;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * ZooKeeper's fast leader election (FLE) for one peer: the votes it has received in the current round, its own
 * proposal and the notifications of peers already in an established ensemble. Pure: it answers what the peer
 * should do ({@link Step}); {@link ZabNode} sends the notifications and changes role.
 */
final class Election {
    /** A vote for {@code leader}, whose history ends at {@code zxid} in {@code peerEpoch}. */
    record Vote(int leader, long zxid, long peerEpoch) {
        /** FLE's total order: the newer epoch, then the longer history, then the higher server id. */
        boolean beats(Vote other) {
            if (peerEpoch != other.peerEpoch) {
                return peerEpoch > other.peerEpoch;
            }
            if (zxid != other.zxid) {
                return zxid > other.zxid;
            }
            return leader > other.leader;
        }
    }

    /**
     * What a notification asks of the peer, in this order: reply to the sender with its own notification,
     * broadcast its (changed) proposal, then follow or lead {@code decided} (a server id; -1 while undecided).
     */
    record Step(boolean reply, boolean broadcast, int decided) {
        static final Step NOTHING = new Step(false, false, -1);
        static final Step REPLY = new Step(true, false, -1);
    }

    private final int myId;
    private final boolean observer;
    private final Set<Integer> voters;
    private final Majority majority;

    private long logicalClock;
    private long decideAt = -1;
    private Vote proposal;
    private final Map<Integer, Vote> recvSet = new HashMap<>();
    private final Map<Integer, Notification> outOfElection = new HashMap<>();

    Election(int myId, boolean observer, Set<Integer> voters, Majority majority) {
        this.myId = myId;
        this.observer = observer;
        this.voters = voters;
        this.majority = majority;
    }

    /** The peer's current vote (after a decision: the vote that decided). */
    Vote proposal() {
        return proposal;
    }

    long logicalClock() {
        return logicalClock;
    }

    /** A new round: the peer votes {@code initial} (for itself, or for nobody if it is an observer). */
    void restart(Vote initial) {
        logicalClock++;
        decideAt = -1;
        recvSet.clear();
        outOfElection.clear();
        proposal = initial;
        if (!observer) {
            recvSet.put(myId, proposal);
        }
    }

    /**
     * A tick while looking: the server to follow or lead if the quorum that agreed a tick ago still agrees, else
     * -1 (the peer then re-broadcasts its vote).
     */
    int tick(long now) {
        if (decideAt >= 0 && now >= decideAt) {
            decideAt = -1;
            if (majority.reached(agreeing())) {
                return proposal.leader();
            }
        }
        return -1;
    }

    /** A LOOKING peer's vote, received while looking; {@code initial} is this peer's own vote for a new round. */
    Step onVote(int from, Notification n, Vote initial, long now) {
        if (observer || !voters.contains(from) || !voters.contains(n.leader())) {
            return Step.NOTHING; // observers learn from established peers only; observers' votes do not count
        }
        Vote v = new Vote(n.leader(), n.zxid(), n.peerEpoch());
        boolean broadcast = false;
        if (n.electionEpoch() > logicalClock) {
            logicalClock = n.electionEpoch();
            recvSet.clear();
            proposal = v.beats(initial) ? v : initial;
            broadcast = true;
        } else if (n.electionEpoch() < logicalClock) {
            return Step.REPLY;
        } else if (v.beats(proposal)) {
            proposal = v;
            broadcast = true;
        }
        recvSet.put(from, v);
        recvSet.put(myId, proposal);
        int agree = agreeing();
        int decided = -1;
        if (majority.unanimous(agree)) {
            decideAt = -1;
            decided = proposal.leader(); // unanimous: nothing better can come
        } else if (majority.reached(agree)) {
            if (decideAt < 0) {
                decideAt = now + 1; // like ZooKeeper's finalizeWait: give better votes a moment to arrive
            }
        } else {
            decideAt = -1;
        }
        return new Step(false, broadcast, decided);
    }

    /**
     * A notification from a peer in an established ensemble, received while looking: the leader to join once that
     * leader says it leads and (for a voter) a quorum follows it; else -1.
     */
    int onEstablished(int from, Notification n) {
        if (!voters.contains(from) || !voters.contains(n.leader()) || n.leader() == myId) {
            return -1;
        }
        outOfElection.put(from, n);
        int x = n.leader();
        Notification fromLeader = outOfElection.get(x);
        if (fromLeader == null || fromLeader.state() != Role.LEADING || fromLeader.leader() != x) {
            return -1;
        }
        if (observer) {
            return x;
        }
        int count = 1; // myself
        for (Notification e : outOfElection.values()) {
            if (e.leader() == x) {
                count++;
            }
        }
        return majority.reached(count) ? x : -1;
    }

    private int agreeing() {
        int agree = 0;
        for (Map.Entry<Integer, Vote> e : recvSet.entrySet()) {
            if (voters.contains(e.getKey()) && e.getValue().equals(proposal)) {
                agree++;
            }
        }
        return agree;
    }
}
