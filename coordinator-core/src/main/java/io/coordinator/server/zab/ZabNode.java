package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Election.Vote;
import io.coordinator.server.zab.ZabMessage.*;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One ZAB peer as a pure, deterministic state machine (in the style of etcd-io/raft): inputs are {@link #tick()},
 * {@link #step}, {@link #propose} and {@link #persisted}; outputs come out as a {@link Ready} batch. No IO, no
 * threads, no clock; randomness only from the seed.
 *
 * <p>This class dispatches inputs by role and assembles the Ready; the parts live in their own files, along
 * etcd-io/raft's lines: {@link Election} (FLE votes), the roles {@link Leader} and {@link Learner}, the leader's
 * {@link LearnerProgress} per learner and {@link QuorumTracker} (quorums of acks over {@link Majority}), the
 * learner's {@link ReorderBuffer} (stream order), and {@link History} (the log with its unstable part).
 *
 * <p>Durability rules it keeps (the ZooKeeper data-loss bug classes): every ACK, ACKNEWLEADER, ACKEPOCH, vote and
 * FOLLOWERINFO reports only what {@link #persisted} confirmed; currentEpoch is written only once the synced history
 * is durable; acceptedEpoch >= currentEpoch; nothing is applied before it is committed and locally durable; a
 * learner never cuts a record the leader's history confirms (sync truncation is lazy, at the first mismatch).
 *
 * <p>Contract: single-threaded; after {@link #ready()} the driver does the IO and calls {@link #advance} before any
 * other input. After a Ready with a truncation or snapshot, the driver must not report {@link #persisted} for an
 * fsync that began before it.
 */
public final class ZabNode {
    // Package-private: the parts (Leader, Learner) read and move the node's shared state.
    final ZabConfig config;
    final int myId;
    final boolean observer;
    private final List<Integer> others = new ArrayList<>();
    final ZabStateMachine state;
    final Random random;
    // The config's answers, computed once: they are asked on every message and ACK.
    final Majority majority;
    private final Set<Integer> members = new HashSet<>();
    private final Set<Integer> voters = new HashSet<>();

    final History history;
    private final Election election;
    private Epochs epochs;
    long committedZxid;
    long appliedZxid;
    long now;
    boolean serving; // leader: a quorum acknowledged NEWLEADER; learner: after UPTODATE

    // Pending parts of the next Ready (the history holds its own).
    private boolean epochsDirty;
    private List<Outgoing> pendMsgs = new ArrayList<>();
    private boolean pendRoleChanged;
    private Ready outstanding;

    private Role role;
    private int leaderId = -1;
    private Leader leader; // while leading
    private Learner learner; // while following or observing

    public ZabNode(ZabConfig config, Epochs persisted, ZabLog log, ZabStateMachine state, long randomSeed) {
        this.config = config;
        this.myId = config.myId();
        this.observer = !config.isVoter(myId);
        this.majority = new Majority(config.voterCount());
        for (Peer p : config.peers()) {
            members.add(p.id());
            if (!p.observer()) {
                voters.add(p.id());
            }
            if (p.id() != myId) {
                others.add(p.id());
            }
        }
        this.state = state;
        this.random = new Random(randomSeed);
        this.epochs = persisted == null ? Epochs.INITIAL : persisted;
        this.appliedZxid = state.appliedZxid();
        this.committedZxid = appliedZxid;
        // the driver opens the log after recovery: all of it is durable
        this.history = new History("server " + myId, log, Math.max(log.lastZxid(), appliedZxid));
        this.election = new Election(myId, observer, voters, majority);
        becomeLooking();
        pendRoleChanged = false;
    }

    // ------------------------------------------------------------------ queries

    public Role role() {
        return role;
    }

    public int leaderId() {
        return leaderId;
    }

    public Epochs epochs() {
        return epochs;
    }

    public long committedZxid() {
        return committedZxid;
    }

    public long lastZxid() {
        return history.lastZxid();
    }

    public long durableZxid() {
        return history.durableZxid();
    }

    public long appliedZxid() {
        return appliedZxid;
    }

    /** Leader after a quorum acknowledged NEWLEADER; learner after UPTODATE. */
    public boolean isServing() {
        return serving;
    }

    /** The leader's view of each learner (empty when not leading). */
    public Map<Integer, PeerStatus> peers() {
        Map<Integer, PeerStatus> out = new LinkedHashMap<>();
        for (Peer p : config.peers()) {
            if (p.id() == myId || leader == null) {
                continue;
            }
            LearnerProgress h = leader.learner(p.id());
            if (h == null) {
                out.put(p.id(), new PeerStatus(p.id(), p.observer(), false, false, 0, lastZxid(), -1));
            } else {
                out.put(
                        p.id(),
                        new PeerStatus(
                                p.id(),
                                p.observer(),
                                true,
                                h.newLeaderAcked,
                                h.acked,
                                Math.max(0, lastZxid() - h.acked),
                                now - h.lastHeard));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ inputs

    public void tick() {
        checkNotOutstanding();
        now++;
        switch (role) {
            case LOOKING -> lookingTick();
            case LEADING -> leader.tick();
            case FOLLOWING, OBSERVING -> learner.tick();
        }
    }

    public void step(int from, ZabMessage m) {
        checkNotOutstanding();
        if (from == myId || !members.contains(from) || m == null) {
            return;
        }
        if (m instanceof Notification n) {
            onNotification(from, n);
        } else if (m instanceof FollowerInfo f) {
            if (role == Role.LEADING && isVoter(from)) {
                leader.onLearnerInfo(from, f.session(), f.acceptedEpoch(), f.lastZxid(), f.appliedZxid());
            }
        } else if (m instanceof ObserverInfo o) {
            if (role == Role.LEADING && !isVoter(from)) {
                leader.onLearnerInfo(from, o.session(), o.acceptedEpoch(), o.lastZxid(), o.appliedZxid());
            }
        } else if (m instanceof Session s) {
            if (role == Role.LEADING) {
                leader.onSessionMessage(from, s);
            } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
                learner.onSessionMessage(from, s);
            }
        }
    }

    /**
     * The connection to a peer broke. A learner whose leader is gone looks for a new one at once, as a
     * ZooKeeper follower does when its socket to the leader breaks, instead of waiting syncLimit ticks.
     * Safe whatever the cause: a false alarm only costs an election.
     */
    public void peerDisconnected(int peerId) {
        checkNotOutstanding();
        if ((role == Role.FOLLOWING || role == Role.OBSERVING) && peerId == leaderId) {
            becomeLooking();
        }
    }

    /** Leader that is serving only: assigns the next zxid, appends and broadcasts the proposal. */
    public long propose(long clientId, int cxid, long time, Txn txn) {
        checkNotOutstanding();
        if (role != Role.LEADING || !serving) {
            throw new NotLeaderException("server " + myId + " is not a serving leader (" + role + ")", leaderId);
        }
        long zxid = leader.nextZxid();
        TxnRecord record = new TxnRecord(new TxnHeader(clientId, cxid, zxid, time, txn.type()), txn);
        history.append(record);
        leader.broadcast(record);
        return zxid;
    }

    /**
     * Every appended record with zxid <= {@code zxid} is fsynced. {@code zxid} should be one of the appended
     * records (e.g. the last of an fsynced batch): a report for a record that was cut since (an fsync that began
     * before a truncation or snapshot install) is ignored, so it can never make newer, different records count
     * as durable.
     */
    public void persisted(long zxid) {
        checkNotOutstanding();
        if (!history.persisted(zxid)) {
            return;
        }
        if (role == Role.LEADING) {
            leader.persisted();
        } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
            learner.progress();
        }
    }

    public boolean hasReady() {
        return outstanding == null
                && (epochsDirty
                        || history.hasPending()
                        || !pendMsgs.isEmpty()
                        || pendRoleChanged
                        || appliedZxid < Math.min(committedZxid, durableZxid()));
    }

    public Ready ready() {
        checkNotOutstanding();
        List<TxnRecord> toApply = history.toApply(appliedZxid, Math.min(committedZxid, durableZxid()));
        if (!toApply.isEmpty()) {
            appliedZxid = toApply.get(toApply.size() - 1).zxid();
        }
        // The pending lists are handed over (the Ready owns them from now on) and replaced only if used.
        List<Outgoing> messages = pendMsgs.isEmpty() ? List.of() : pendMsgs;
        long truncate = history.takeTruncate();
        SnapshotToInstall snapshot = history.takeSnapshot();
        Ready r = new Ready(
                epochsDirty ? epochs : null,
                truncate,
                snapshot,
                history.takeAppends(),
                messages,
                toApply,
                pendRoleChanged);
        if (!pendMsgs.isEmpty()) {
            pendMsgs = new ArrayList<>();
        }
        epochsDirty = false;
        pendRoleChanged = false;
        outstanding = r;
        return r;
    }

    public void advance(Ready ready) {
        if (ready != outstanding) {
            throw new IllegalStateException("advance() of a Ready that is not the outstanding one");
        }
        outstanding = null;
    }

    private void checkNotOutstanding() {
        if (outstanding != null) {
            throw new IllegalStateException("call advance() before feeding more input");
        }
    }

    boolean isVoter(int id) {
        return voters.contains(id);
    }

    // ------------------------------------------------------------------ helpers

    void send(int to, ZabMessage m) {
        pendMsgs.add(new Outgoing(to, m));
    }

    void setEpochs(Epochs e) {
        if (!e.equals(epochs)) {
            epochs = e;
            epochsDirty = true;
        }
    }

    /** Cuts the log after {@code zxid} (never below what is committed). */
    void truncate(long zxid) {
        if (zxid < committedZxid) {
            throw new IllegalStateException("server " + myId + ": truncate after " + Zxids.hex(zxid)
                    + " would cut committed txns up to " + Zxids.hex(committedZxid));
        }
        history.truncate(zxid);
    }

    /** Whether our history provably contains the point {@code zxid}: the empty prefix, our applied state, or a
     * record we hold (same zxid means same txn and same history before it). */
    boolean hasPoint(long zxid) {
        return zxid == 0 || zxid == appliedZxid || history.hasRecord(zxid);
    }

    // ------------------------------------------------------------------ roles and election

    private void changeRole(Role r, int leaderId) {
        role = r;
        this.leaderId = leaderId;
        serving = false;
        leader = null;
        learner = null;
        pendRoleChanged = true;
    }

    void becomeLooking() {
        changeRole(Role.LOOKING, -1);
        election.restart(initialVote());
        broadcastNotification();
    }

    private Vote initialVote() {
        return new Vote(observer ? -1 : myId, durableZxid(), epochs.currentEpoch());
    }

    private void decide(int winner) {
        if (winner == myId) {
            changeRole(Role.LEADING, myId);
            leader = new Leader(this);
            leader.start();
        } else {
            becomeLearner(winner);
        }
    }

    private void becomeLearner(int leaderId) {
        changeRole(observer ? Role.OBSERVING : Role.FOLLOWING, leaderId);
        learner = new Learner(this, leaderId);
        learner.newSession();
    }

    private void lookingTick() {
        int decided = election.tick(now);
        if (decided >= 0) {
            decide(decided);
        } else {
            broadcastNotification();
        }
    }

    private Notification myNotification() {
        Vote v = election.proposal();
        long clock = election.logicalClock();
        return switch (role) {
            case LOOKING -> new Notification(v.leader(), v.zxid(), v.peerEpoch(), clock, role);
            case LEADING ->
                new Notification(
                        myId,
                        lastZxid(),
                        leader != null ? leader.notificationEpoch() : epochs.acceptedEpoch(),
                        clock,
                        role);
            default -> new Notification(leaderId, v.zxid(), v.peerEpoch(), clock, role);
        };
    }

    private void broadcastNotification() {
        Notification n = myNotification();
        for (int p : others) {
            if (isVoter(p)) {
                send(p, n);
            }
        }
    }

    private void onNotification(int from, Notification n) {
        if (role != Role.LOOKING) {
            if (n.state() == Role.LOOKING) {
                send(from, myNotification()); // tell a looking peer who leads
            }
            return;
        }
        if (n.state() != Role.LOOKING) {
            int joined = election.onEstablished(from, n); // the sender is in an established ensemble
            if (joined >= 0) {
                becomeLearner(joined);
            }
            return;
        }
        Election.Step s = election.onVote(from, n, initialVote(), now);
        if (s.reply()) {
            send(from, myNotification());
        }
        if (s.broadcast()) {
            broadcastNotification();
        }
        if (s.decided() >= 0) {
            decide(s.decided());
        }
    }
}
