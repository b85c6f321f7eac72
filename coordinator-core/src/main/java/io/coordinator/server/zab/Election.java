package io.coordinator.server.zab;

import io.coordinator.server.zab.ZabMessage.Notification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
        /**
         * FLE's total order: the newer epoch, then the longer history, then the higher server id. A vote for nobody
         * (a voter that may not lead, like a joiner its configs do not name yet) loses to any vote for someone.
         */
        boolean beats(Vote other) {
            if (leader < 0 || other.leader < 0) {
                return leader >= 0 && other.leader < 0;
            }
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
    private final Configs configs; // live: a reconfig's config counts from when it is in the log
    private boolean observer;

    private long logicalClock;
    private long decideAt = -1;
    private Vote proposal;
    private final Map<Integer, Vote> recvSet = new HashMap<>();
    private final Map<Integer, Notification> outOfElection = new HashMap<>();
    private final Set<Integer> strangers = new LinkedHashSet<>(); // looking servers in none of the configs

    /** The looking servers outside the configs that sent a vote this round (they are told of vote changes). */
    Set<Integer> strangers() {
        return strangers;
    }

    Election(int myId, Configs configs) {
        this.myId = myId;
        this.configs = configs;
    }

    /** The peer's current vote (after a decision: the vote that decided). */
    Vote proposal() {
        return proposal;
    }

    long logicalClock() {
        return logicalClock;
    }

    /**
     * A new round: the peer votes {@code initial} (for itself, or for nobody if it is an observer). {@code voter}:
     * whether it votes (a voter of one of its configs).
     */
    void restart(Vote initial, boolean voter) {
        observer = !voter;
        logicalClock++;
        decideAt = -1;
        recvSet.clear();
        outOfElection.clear();
        strangers.clear();
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
        if (decideAt < 0 && !observer && recvSet.size() == 1 && configs.quorum(agreeing())) {
            decideAt = now; // a config of one voter (a reconfig can shrink it so): nobody else will vote
        }
        if (decideAt >= 0 && now >= decideAt) {
            decideAt = -1;
            if (configs.quorum(agreeing())) {
                return proposal.leader();
            }
        }
        return -1;
    }

    /** A LOOKING peer's vote, received while looking; {@code initial} is this peer's own vote for a new round. */
    Step onVote(int from, Notification n, Vote initial, long now) {
        if (!observer && !configs.isMember(from)) {
            // a server none of this peer's configs names (one a reconfig adds): its vote does not count here, but
            // it counts ours, so tell it now and whenever our vote changes (ZooKeeper answers such servers too)
            if (n.leader() >= 0) {
                strangers.add(from); // one that votes for nobody (an observer, a removed server) needs no more
            }
            return Step.REPLY;
        }
        if (observer || !configs.isVoter(from)) {
            return Step.NOTHING; // observers learn from established peers only; observers' votes do not count
        }
        if (!eligible(n.leader())) {
            // a voter with no candidate (a joiner its configs do not name yet): its vote is nothing to adopt, but its
            // newer round is ours too, or the two would answer each other's old rounds forever
            if (n.electionEpoch() <= logicalClock) {
                return Step.NOTHING;
            }
            joinRound(n.electionEpoch(), initial);
            decideAt = -1;
            recvSet.put(myId, proposal);
            return new Step(false, true, -1);
        }
        Vote v = new Vote(n.leader(), n.zxid(), n.peerEpoch());
        boolean broadcast = false;
        if (n.electionEpoch() > logicalClock) {
            joinRound(n.electionEpoch(), v.beats(initial) ? v : initial);
            broadcast = true;
        } else if (n.electionEpoch() < logicalClock) {
            return Step.REPLY;
        } else if (v.beats(proposal)) {
            proposal = v;
            broadcast = true;
        }
        recvSet.put(from, v);
        recvSet.put(myId, proposal);
        List<Integer> agree = agreeing();
        int decided = -1;
        if (configs.unanimous(agree) && strangers.isEmpty()) {
            decideAt = -1;
            decided = proposal.leader(); // unanimous: nothing better can come (a stranger's vote might)
        } else if (configs.quorum(agree)) {
            if (decideAt < 0) {
                decideAt = now + 1; // like ZooKeeper's finalizeWait: give better votes a moment to arrive
            }
        } else {
            decideAt = -1;
        }
        return new Step(false, broadcast, decided);
    }

    /** Takes up a peer's newer {@code round}, voting {@code start}; the votes of the old round no longer count. */
    private void joinRound(long round, Vote start) {
        logicalClock = round;
        recvSet.clear();
        proposal = start;
    }

    /**
     * A notification from a peer in an established ensemble, received while looking: the leader to join once that
     * leader says it leads and (for a voter) a quorum follows it; this peer itself, when a quorum of this round
     * votes for it, counting peers that already follow it; else -1.
     */
    int onEstablished(int from, Notification n) {
        if (!configs.isVoter(from) || !eligible(n.leader())) {
            return -1;
        }
        if (n.leader() == myId) {
            // A peer follows us in this very round: it counted our vote a quorum, but its LOOKING vote for us was
            // lost or is late. Its vote counts (as in ZooKeeper's FLE, which counts an established peer's vote of
            // the current round, against the quorums of every config it knows, a pending one too); else we would
            // wait for it to give up following, a whole initLimit, and with a pending reconfig for ever: its
            // followers never vote LOOKING again while they follow us (reconfig simulation seed 8228).
            if (observer
                    || n.state() != Role.FOLLOWING
                    || n.electionEpoch() != logicalClock
                    || !configs.isVoter(myId)) {
                return -1;
            }
            recvSet.put(from, new Vote(n.leader(), n.zxid(), n.peerEpoch()));
            return proposal.leader() == myId && configs.quorum(agreeing()) ? myId : -1;
        }
        outOfElection.put(from, n);
        int x = n.leader();
        List<Integer> following = new ArrayList<>();
        if (!observer) {
            following.add(myId);
        }
        for (Map.Entry<Integer, Notification> e : outOfElection.entrySet()) {
            if (e.getValue().leader() == x) {
                following.add(e.getKey());
            }
        }
        // Joining an established leader is no election (its discovery and sync decide what is safe): its own word
        // that it leads and a quorum of the committed config following it are enough. A pending reconfig's config
        // may name servers that were since removed and stay silent; we learn it was committed from the leader.
        Notification fromLeader = outOfElection.get(x);
        if (fromLeader == null || fromLeader.state() != Role.LEADING || fromLeader.leader() != x) {
            return -1;
        }
        if (observer) {
            return x;
        }
        return configs.committed().reached(votersOf(configs.committed(), following)) ? x : -1;
    }

    /**
     * Whether {@code id} may lead: a voter of the committed config (as ZooKeeper's FLE: a candidate without
     * weight in the current config never wins), or a server it does not name (a newer committed config this
     * peer learns from the notifications may). Not a voter of a pending config only: peers with and without
     * that reconfig in their logs would judge it differently and wait for each other for ever (reconfig
     * simulation seed 3530: an observer being promoted stood as candidate for the peers that had the proposal,
     * and was an observer to the one whose vote they needed). The winner's discovery still needs a quorum of
     * every config its history holds.
     */
    private boolean eligible(int id) {
        return id >= 0
                && (configs.committed().isVoter(id) || !configs.committed().isMember(id));
    }

    private static int votersOf(ZabConfig c, List<Integer> ids) {
        int n = 0;
        for (int id : ids) {
            if (c.isVoter(id)) {
                n++;
            }
        }
        return n;
    }

    /** The voters whose vote equals this peer's proposal. */
    private List<Integer> agreeing() {
        List<Integer> agree = new ArrayList<>();
        for (Map.Entry<Integer, Vote> e : recvSet.entrySet()) {
            if (configs.isVoter(e.getKey()) && e.getValue().equals(proposal)) {
                agree.add(e.getKey());
            }
        }
        return agree;
    }
}
