package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Election.Vote;
import io.coordinator.server.zab.LearnerProgress.Sync;
import io.coordinator.server.zab.LearnerProgress.SyncMode;
import io.coordinator.server.zab.ZabMessage.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One ZAB peer as a pure, deterministic state machine (in the style of etcd-io/raft): inputs are {@link #tick()},
 * {@link #step}, {@link #propose} and {@link #persisted}; outputs come out as a {@link Ready} batch. No IO, no
 * threads, no clock; randomness only from the seed.
 *
 * <p>This class dispatches inputs by role and assembles the Ready; the parts live in their own files, along
 * etcd's lines: {@link Election} (FLE votes), {@link LearnerProgress} (the leader's view of each learner),
 * {@link QuorumTracker} (quorums of acks over {@link Majority}), {@link ReorderBuffer} (the learner's stream
 * order) and {@link History} (the log with its unstable part).
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
    private final ZabConfig config;
    private final int myId;
    private final boolean observer;
    private final List<Integer> others = new ArrayList<>();
    private final ZabStateMachine state;
    private final Random random;
    // The config's answers, computed once: they are asked on every message and ACK.
    private final Majority majority;
    private final QuorumTracker quorum;
    private final Set<Integer> members = new HashSet<>();
    private final Set<Integer> voters = new HashSet<>();

    private final History history;
    private final Election election;
    private Epochs epochs;
    private long committedZxid;
    private long appliedZxid;
    private long now;

    // Pending parts of the next Ready (the history holds its own).
    private boolean epochsDirty;
    private List<Outgoing> pendMsgs = new ArrayList<>();
    private boolean pendRoleChanged;
    private Ready outstanding;

    private Role role;
    private int leaderId = -1;
    private boolean serving;
    private long roleSince;

    private LearnerState ls;
    private LeaderState ld;

    public ZabNode(ZabConfig config, Epochs persisted, ZabLog log, ZabStateMachine state, long randomSeed) {
        this.config = config;
        this.myId = config.myId();
        this.observer = !config.isVoter(myId);
        this.majority = new Majority(config.voterCount());
        this.quorum = new QuorumTracker(majority, config.voterCount());
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
            if (p.id() == myId || ld == null) {
                continue;
            }
            LearnerProgress h = ld.learners.get(p.id());
            if (h == null) {
                out.put(p.id(), new PeerStatus(p.id(), p.observer(), false, false, 0, lastZxid(), -1));
            } else {
                out.put(p.id(), new PeerStatus(p.id(), p.observer(), true, h.newLeaderAcked, h.acked,
                        Math.max(0, lastZxid() - h.acked), now - h.lastHeard));
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
            case LEADING -> leaderTick();
            case FOLLOWING, OBSERVING -> learnerTick();
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
                onLearnerInfo(from, f.session(), f.acceptedEpoch(), f.lastZxid(), f.appliedZxid());
            }
        } else if (m instanceof ObserverInfo o) {
            if (role == Role.LEADING && !isVoter(from)) {
                onLearnerInfo(from, o.session(), o.acceptedEpoch(), o.lastZxid(), o.appliedZxid());
            }
        } else if (m instanceof Session s) {
            if (role == Role.LEADING) {
                onLeaderSessionMessage(from, s);
            } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
                onLearnerSessionMessage(from, s);
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
        if (ld.counter >= 0xfffffffeL) {
            // zxid counter about to roll over: a new epoch is needed (as ZooKeeper does)
            becomeLooking();
            throw new NotLeaderException("zxid counter exhausted in epoch " + ld.epoch, -1);
        }
        long zxid = Zxids.make(ld.epoch, ++ld.counter);
        TxnRecord record = new TxnRecord(new TxnHeader(clientId, cxid, zxid, time, txn.type()), txn);
        history.append(record);
        for (LearnerProgress h : ld.learners.values()) {
            if (h.synced() && !h.observer) {
                send(h, new Proposal(h.session, ld.epoch, h.nextSeq(), record));
                h.sentUpTo = zxid;
            }
        }
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
            maybeSelfNewLeader();
            maybeCommit();
        } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
            learnerProgress();
        }
    }

    public boolean hasReady() {
        return outstanding == null && (epochsDirty || history.hasPending() || !pendMsgs.isEmpty() || pendRoleChanged
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
        Ready r = new Ready(epochsDirty ? epochs : null, truncate, snapshot, history.takeAppends(), messages, toApply,
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

    private boolean isVoter(int id) {
        return voters.contains(id);
    }

    // ------------------------------------------------------------------ helpers

    private void send(int to, ZabMessage m) {
        pendMsgs.add(new Outgoing(to, m));
    }

    private void send(LearnerProgress h, ZabMessage m) {
        send(h.id, m);
    }

    private void setEpochs(Epochs e) {
        if (!e.equals(epochs)) {
            epochs = e;
            epochsDirty = true;
        }
    }

    /** Cuts the log after {@code zxid} (never below what is committed). */
    private void truncate(long zxid) {
        if (zxid < committedZxid) {
            throw new IllegalStateException("server " + myId + ": truncate after " + Zxids.hex(zxid)
                    + " would cut committed txns up to " + Zxids.hex(committedZxid));
        }
        history.truncate(zxid);
    }

    /** Whether our history provably contains the point {@code zxid}: the empty prefix, our applied state, or a
     * record we hold (same zxid means same txn and same history before it). */
    private boolean hasPoint(long zxid) {
        return zxid == 0 || zxid == appliedZxid || history.hasRecord(zxid);
    }

    // ------------------------------------------------------------------ roles and election

    private void changeRole(Role r, int leader) {
        role = r;
        leaderId = leader;
        serving = false;
        roleSince = now;
        ls = null;
        ld = null;
        pendRoleChanged = true;
    }

    private void becomeLooking() {
        changeRole(Role.LOOKING, -1);
        election.restart(initialVote());
        broadcastNotification();
    }

    private Vote initialVote() {
        return new Vote(observer ? -1 : myId, durableZxid(), epochs.currentEpoch());
    }

    private void decide(int leader) {
        if (leader == myId) {
            becomeLeader();
        } else {
            becomeLearner(leader);
        }
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
            case LEADING -> new Notification(myId, lastZxid(), ld != null && ld.epochChosen ? ld.epoch
                    : epochs.acceptedEpoch(), clock, role);
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
            int leader = election.onEstablished(from, n); // the sender is in an established ensemble
            if (leader >= 0) {
                becomeLearner(leader);
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

    // ------------------------------------------------------------------ learner

    private enum LPhase { DISCOVERY, SYNC, BROADCAST }

    private final class LearnerState {
        final long session = random.nextLong();
        LPhase phase = LPhase.DISCOVERY;
        long epoch = -1;
        final ReorderBuffer stream = new ReorderBuffer();
        long lastHeard = now;
        final long since = now;
        boolean streamStarted;
        long common = -1; // highest zxid known to match the leader's history in this session
        long leaderCommit;
        long newLeaderZxid = -1;
        boolean newLeaderAcked;
        long lastAckSent;
    }

    private void becomeLearner(int leader) {
        changeRole(observer ? Role.OBSERVING : Role.FOLLOWING, leader);
        newLearnerSession();
    }

    private void newLearnerSession() {
        long heard = ls == null ? now : ls.lastHeard;
        serving = false; // until this session's UPTODATE
        ls = new LearnerState();
        ls.lastHeard = heard;
        sendInfo();
    }

    private void sendInfo() {
        ZabMessage m = observer
                ? new ObserverInfo(ls.session, epochs.acceptedEpoch(), durableZxid(), appliedZxid)
                : new FollowerInfo(ls.session, epochs.acceptedEpoch(), durableZxid(), appliedZxid);
        send(leaderId, m);
    }

    private void learnerTick() {
        if (!serving && now - ls.since > config.initLimitTicks()) {
            becomeLooking();
            return;
        }
        if (now - ls.lastHeard > config.syncLimitTicks()) {
            becomeLooking();
            return;
        }
        if (ls.phase == LPhase.DISCOVERY) {
            sendInfo();
        } else if (!ls.streamStarted) {
            send(leaderId, new AckEpoch(ls.session, ls.epoch, epochs.currentEpoch(), durableZxid()));
        } else if (ls.newLeaderAcked && ls.phase != LPhase.BROADCAST) {
            send(leaderId, new AckNewLeader(ls.session, ls.epoch, ls.newLeaderZxid)); // it may have been lost
        }
        if (ls.stream.lost(now, 2)) {
            newLearnerSession(); // a stream message was lost: sync again with the same leader
            return;
        }
        if (ls.phase != LPhase.DISCOVERY) {
            send(leaderId, new Ping(ls.session, ls.epoch, 0, ackable()));
        }
    }

    private long ackable() {
        return ls != null && ls.newLeaderAcked ? Math.min(durableZxid(), ls.common) : 0;
    }

    private void onLearnerSessionMessage(int from, Session m) {
        if (from != leaderId || ls == null || m.session() != ls.session) {
            return;
        }
        if (m instanceof LeaderInfo li) {
            onLeaderInfo(li);
            return;
        }
        if (ls.epoch < 0 || m.epoch() != ls.epoch) {
            return;
        }
        ls.lastHeard = now;
        if (m instanceof Ping p) {
            ls.stream.leaderSent(p.seq());
            return;
        }
        if (m instanceof Stream s) {
            if (!ls.stream.offer(s)) {
                return; // duplicate
            }
            for (Stream next = ls.stream.poll(); next != null; next = ls == null ? null : ls.stream.poll()) {
                ls.streamStarted = true;
                LearnerState before = ls;
                onStream(next);
                if (ls != before) {
                    return; // the session was restarted or the role changed
                }
            }
            if (ls != null) {
                learnerProgress();
            }
        }
    }

    private void onLeaderInfo(LeaderInfo li) {
        if (ls.phase != LPhase.DISCOVERY) {
            return; // duplicate
        }
        long e = li.epoch();
        Epochs cur = epochs;
        // Never promise one epoch to two leaders: equal is fine only for the leader it was promised to, or if
        // this peer already synced in that epoch, or if it was its own (abandoned) leadership attempt.
        boolean refuse = e < cur.acceptedEpoch() || (e == cur.acceptedEpoch() && !(cur.currentEpoch() == e
                || cur.acceptedFrom() == leaderId || cur.acceptedFrom() == myId));
        if (refuse) {
            send(leaderId, new EpochRefused(ls.session, e, cur.acceptedEpoch()));
            becomeLooking();
            return;
        }
        if (Zxids.epochOf(lastZxid()) > e) {
            becomeLooking();
            return;
        }
        setEpochs(new Epochs(e, cur.currentEpoch(), leaderId));
        ls.epoch = e;
        ls.phase = LPhase.SYNC;
        ls.lastHeard = now;
        send(leaderId, new AckEpoch(ls.session, e, epochs.currentEpoch(), durableZxid()));
    }

    private void onStream(Stream s) {
        if (s instanceof Diff d) {
            startSync(d.zxid(), true);
        } else if (s instanceof Trunc t) {
            startSync(t.zxid(), false);
        } else if (s instanceof Snap sn) {
            onSnap(sn);
        } else if (s instanceof Proposal p) {
            if (ls.common < 0) {
                newLearnerSession();
                return;
            }
            syncRecord(p.record());
        } else if (s instanceof Inform i) {
            if (ls.common < 0) {
                newLearnerSession();
                return;
            }
            syncRecord(i.record());
            if (ls != null) {
                ls.leaderCommit = Math.max(ls.leaderCommit, i.record().zxid());
            }
        } else if (s instanceof Commit c) {
            ls.leaderCommit = Math.max(ls.leaderCommit, c.zxid());
        } else if (s instanceof NewLeader n) {
            onNewLeader(n);
        } else if (s instanceof UpToDate) {
            if (!ls.newLeaderAcked) {
                newLearnerSession();
                return;
            }
            ls.phase = LPhase.BROADCAST;
            serving = true;
        }
    }

    private void startSync(long zxid, boolean diff) {
        long last = lastZxid();
        if (zxid < appliedZxid || zxid > last || (diff && zxid > durableZxid() && zxid != last)) {
            newLearnerSession(); // not a point our histories can share: start over
            return;
        }
        if (!diff && !hasPoint(zxid)) {
            newLearnerSession();
            return;
        }
        ls.common = zxid;
        ls.leaderCommit = Math.max(ls.leaderCommit, 0);
    }

    private void onSnap(Snap s) {
        long z = s.zxid();
        if (z < appliedZxid) {
            newLearnerSession(); // never move the applied state back
            return;
        }
        if (!hasPoint(z)) {
            // our log does not reach the snapshot's zxid, so it holds no committed txn after it: reset it
            if (lastZxid() > z) {
                truncate(z);
            }
            history.continueFrom(z);
        }
        history.installSnapshot(z, s.snapshot());
        appliedZxid = z;
        committedZxid = Math.max(committedZxid, z);
        ls.common = z;
    }

    /** A record of the leader's history: skip it if the log already has it, else cut what does not match. */
    private void syncRecord(TxnRecord r) {
        long z = r.zxid();
        if (z <= ls.common) {
            return;
        }
        if (lastZxid() > ls.common) {
            if (history.hasRecord(z)) {
                ls.common = z;
                return;
            }
            truncate(ls.common);
        }
        history.append(r);
        ls.common = z;
    }

    private void onNewLeader(NewLeader n) {
        if (ls.common < 0) {
            newLearnerSession();
            return;
        }
        if (lastZxid() > ls.common) {
            truncate(ls.common); // beyond the leader's history
        }
        if (ls.common != n.zxid()) {
            newLearnerSession();
            return;
        }
        ls.newLeaderZxid = n.zxid();
    }

    /** After any change: ack NEWLEADER once the synced history is durable, ack proposals, learn commits. */
    private void learnerProgress() {
        if (ls == null) {
            return;
        }
        if (ls.newLeaderZxid >= 0 && !ls.newLeaderAcked && durableZxid() >= ls.newLeaderZxid) {
            Epochs e = epochs;
            if (e.currentEpoch() != ls.epoch) {
                setEpochs(new Epochs(Math.max(e.acceptedEpoch(), ls.epoch), ls.epoch, e.acceptedFrom()));
            }
            ls.newLeaderAcked = true;
            ls.lastAckSent = ls.newLeaderZxid;
            send(leaderId, new AckNewLeader(ls.session, ls.epoch, ls.newLeaderZxid));
        }
        if (ls.common >= 0) {
            long c = Math.min(ls.leaderCommit, ls.common);
            if (c > committedZxid) {
                committedZxid = c;
            }
        }
        if (ls.newLeaderAcked) {
            long a = ackable();
            if (a > ls.lastAckSent) {
                ls.lastAckSent = a;
                send(leaderId, new Ack(ls.session, ls.epoch, a));
            }
        }
    }

    // ------------------------------------------------------------------ leader

    private static final class LeaderState {
        final Map<Integer, Long> infos = new HashMap<>(); // voters' accepted epochs (incl. mine)
        boolean epochChosen;
        long epoch;
        final Set<Integer> ackEpochVoters = new HashSet<>();
        boolean quorumAckEpoch;
        long initialEnd;
        boolean selfNewLeaderAcked;
        boolean established;
        long counter;
        final Map<Integer, LearnerProgress> learners = new TreeMap<>();
    }

    private void becomeLeader() {
        changeRole(Role.LEADING, myId);
        ld = new LeaderState();
        ld.infos.put(myId, epochs.acceptedEpoch());
        maybeChooseEpoch();
    }

    private void maybeChooseEpoch() {
        if (ld.epochChosen || !majority.reached(ld.infos.size())) {
            return;
        }
        long e = Collections.max(ld.infos.values()) + 1;
        if (e > 0xffffffffL) {
            throw new IllegalStateException("epoch space exhausted");
        }
        ld.epoch = e;
        ld.epochChosen = true;
        setEpochs(new Epochs(e, epochs.currentEpoch(), myId));
        ld.ackEpochVoters.add(myId);
        for (LearnerProgress h : ld.learners.values()) {
            send(h, new LeaderInfo(h.session, e));
        }
        maybeQuorumAckEpoch();
    }

    private void onLearnerInfo(int from, long session, long acceptedEpoch, long lastZ, long appliedZ) {
        LearnerProgress h = ld.learners.get(from);
        if (h == null || h.session != session) {
            h = new LearnerProgress(from, !isVoter(from), session, now);
            ld.learners.put(from, h);
        }
        h.lastHeard = now;
        h.acceptedEpoch = acceptedEpoch;
        h.lastZxid = lastZ;
        h.appliedZxid = appliedZ;
        if (!ld.epochChosen) {
            if (!h.observer) {
                ld.infos.put(from, acceptedEpoch);
                maybeChooseEpoch();
            }
        } else {
            send(h, new LeaderInfo(session, ld.epoch));
        }
    }

    private void onLeaderSessionMessage(int from, Session m) {
        LearnerProgress h = ld.learners.get(from);
        if (h == null || h.session != m.session() || !ld.epochChosen || m.epoch() != ld.epoch) {
            return;
        }
        h.lastHeard = now;
        if (m instanceof AckEpoch a) {
            onAckEpoch(h, a);
        } else if (m instanceof EpochRefused) {
            // this peer promised the epoch elsewhere and can never join it: make room for a higher epoch
            becomeLooking();
        } else if (m instanceof AckNewLeader a) {
            if (!h.synced() || h.newLeaderAcked) {
                return;
            }
            h.newLeaderAcked = true;
            h.acked = Math.max(h.acked, a.zxid());
            if (ld.established) {
                sendUpToDate(h);
                maybeCommit();
            } else {
                checkEstablished();
            }
        } else if (m instanceof Ack a) {
            if (h.ack(a.zxid(), lastZxid())) {
                maybeCommit();
            }
        } else if (m instanceof Ping p) {
            if (h.ack(p.zxid(), lastZxid())) {
                maybeCommit();
            }
        }
    }

    private void onAckEpoch(LearnerProgress h, AckEpoch a) {
        if (h.ackedEpoch) {
            return;
        }
        h.ackedEpoch = true;
        h.currentEpoch = a.currentEpoch();
        h.ackZxid = a.lastZxid();
        boolean ahead = a.currentEpoch() > epochs.currentEpoch()
                || (a.currentEpoch() == epochs.currentEpoch() && a.lastZxid() > lastZxid());
        if (!ld.quorumAckEpoch) {
            if (ahead && !h.observer) {
                becomeLooking(); // a follower has a newer history: this leader must not lead
                return;
            }
            if (!h.observer) {
                ld.ackEpochVoters.add(h.id);
            }
            maybeQuorumAckEpoch();
        } else if (ahead && a.currentEpoch() >= ld.epoch) {
            ld.learners.remove(h.id); // impossible for a unique leader of this epoch: refuse it
        } else {
            syncLearner(h);
        }
    }

    private void maybeQuorumAckEpoch() {
        if (ld.quorumAckEpoch || !majority.reached(ld.ackEpochVoters.size())) {
            return;
        }
        ld.quorumAckEpoch = true;
        ld.initialEnd = lastZxid();
        for (LearnerProgress h : ld.learners.values()) {
            if (h.ackedEpoch && !h.synced()) {
                syncLearner(h);
            }
        }
        maybeSelfNewLeader();
    }

    /** Brings a learner to this leader's history: DIFF, TRUNC (lazy) or SNAP, the txns, NEWLEADER. */
    private void syncLearner(LearnerProgress h) {
        long leaderLast = lastZxid();
        Sync sync = LearnerProgress.planSync(h.ackZxid, h.appliedZxid, leaderLast, history::hasRecord,
                history::lastOfEpochAtOrBefore);
        long from = sync.from();
        switch (sync.mode()) {
            case DIFF -> send(h, new Diff(h.session, ld.epoch, h.nextSeq(), from));
            case TRUNC -> send(h, new Trunc(h.session, ld.epoch, h.nextSeq(), from));
            case SNAP -> {
                from = state.appliedZxid();
                send(h, new Snap(h.session, ld.epoch, h.nextSeq(), from, state.snapshot()));
            }
        }
        long last = from;
        while (true) {
            List<TxnRecord> batch = history.read(last, History.READ_CHUNK);
            if (batch.isEmpty()) {
                break;
            }
            for (TxnRecord r : batch) {
                send(h, new Proposal(h.session, ld.epoch, h.nextSeq(), r));
                last = r.zxid();
            }
        }
        if (last != leaderLast) {
            throw new IllegalStateException("server " + myId + ": the log ends at " + Zxids.hex(last)
                    + ", expected " + Zxids.hex(leaderLast));
        }
        if (committedZxid > from) {
            send(h, new Commit(h.session, ld.epoch, h.nextSeq(), committedZxid));
        }
        send(h, new NewLeader(h.session, ld.epoch, h.nextSeq(), leaderLast));
        h.syncMode = sync.mode();
        h.sentUpTo = leaderLast;
    }

    private void maybeSelfNewLeader() {
        if (ld == null || !ld.quorumAckEpoch || ld.selfNewLeaderAcked || durableZxid() < ld.initialEnd) {
            return;
        }
        setEpochs(new Epochs(Math.max(epochs.acceptedEpoch(), ld.epoch), ld.epoch, epochs.acceptedFrom()));
        ld.selfNewLeaderAcked = true;
        checkEstablished();
    }

    private void checkEstablished() {
        if (ld.established || !ld.selfNewLeaderAcked || !quorum.newLeaderAcked(ld.learners.values())) {
            return;
        }
        ld.established = true;
        serving = true;
        if (ld.initialEnd > committedZxid) {
            committedZxid = ld.initialEnd;
        }
        for (LearnerProgress h : ld.learners.values()) {
            if (h.newLeaderAcked) {
                sendUpToDate(h);
            }
        }
        maybeCommit();
    }

    private void sendUpToDate(LearnerProgress h) {
        send(h, new Commit(h.session, ld.epoch, h.nextSeq(), Math.min(committedZxid, h.sentUpTo)));
        if (h.observer && committedZxid > h.sentUpTo) {
            informObserver(h, committedZxid);
        }
        send(h, new UpToDate(h.session, ld.epoch, h.nextSeq()));
    }

    private void maybeCommit() {
        if (ld == null || !ld.established) {
            return;
        }
        long durableOnQuorum = quorum.durableOnQuorum(durableZxid(), ld.learners.values());
        if (durableOnQuorum < 0) {
            return;
        }
        long c = Math.min(durableOnQuorum, lastZxid());
        if (c <= committedZxid) {
            return;
        }
        long previous = committedZxid;
        committedZxid = c;
        for (LearnerProgress h : ld.learners.values()) {
            if (!h.synced() || !h.newLeaderAcked) {
                continue; // the UPTODATE path sends it the commit point
            }
            if (!h.observer) {
                send(h, new Commit(h.session, ld.epoch, h.nextSeq(), c));
            } else {
                if (h.sentUpTo > previous) {
                    send(h, new Commit(h.session, ld.epoch, h.nextSeq(), Math.min(c, h.sentUpTo)));
                }
                if (c > h.sentUpTo) {
                    informObserver(h, c);
                }
            }
        }
    }

    /** Sends an observer the committed txns after what it was sent, through {@code upTo}. */
    private void informObserver(LearnerProgress h, long upTo) {
        long from = h.sentUpTo;
        if (!history.hasRecord(from) && from < state.appliedZxid()) {
            // the log no longer reaches back to where this observer is: send it a snapshot first
            from = state.appliedZxid();
            send(h, new Snap(h.session, ld.epoch, h.nextSeq(), from, state.snapshot()));
        }
        for (TxnRecord r : history.readRange(from, upTo)) {
            send(h, new Inform(h.session, ld.epoch, h.nextSeq(), r));
        }
        h.sentUpTo = upTo;
    }

    private void leaderTick() {
        if (!ld.established) {
            if (now - roleSince > config.initLimitTicks()) {
                becomeLooking();
                return;
            }
        } else if (!quorum.heardFrom(ld.learners.values(), now, config.syncLimitTicks())) {
            becomeLooking(); // lost the quorum: step down, no split brain
            return;
        }
        ld.learners.values().removeIf(h -> h.expired(now, config.syncLimitTicks(), config.initLimitTicks()));
        for (LearnerProgress h : ld.learners.values()) {
            if (ld.epochChosen && h.ackedEpoch) {
                send(h, new Ping(h.session, ld.epoch, h.lastSeq(), committedZxid));
            }
        }
    }
}
