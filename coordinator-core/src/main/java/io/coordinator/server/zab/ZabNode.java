package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.ZabMessage.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One ZAB peer as a pure, deterministic state machine (in the style of etcd-io/raft): inputs are {@link #tick()},
 * {@link #step}, {@link #propose} and {@link #persisted}; outputs come out as a {@link Ready} batch. No IO, no
 * threads, no clock; randomness only from the seed.
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
    private static final int READ_CHUNK = 1024;

    private final ZabConfig config;
    private final int myId;
    private final boolean observer;
    private final List<Integer> others = new ArrayList<>();
    private final ZabLog log;
    private final ZabStateMachine state;
    private final Random random;
    // The config's answers, computed once: they are asked on every message and ACK.
    private final Majority majority;
    private final java.util.Set<Integer> members = new java.util.HashSet<>();
    private final java.util.Set<Integer> voters = new java.util.HashSet<>();
    private final long[] ackScratch;

    private Epochs epochs;
    private long lastZxid;
    private long durableZxid;
    private final java.util.TreeSet<Long> unsynced = new java.util.TreeSet<>(); // appended, not yet fsynced
    /**
     * A cache of the records this node appended and has not applied yet: a contiguous run of its history right
     * after {@code tailBase}, so {@link #ready()} hands committed records to {@code toApply} without reading the
     * log back. Cleared whenever that may stop being true (truncation below its base, snapshot, overflow); the
     * log is then read instead.
     */
    private final java.util.ArrayDeque<TxnRecord> tail = new java.util.ArrayDeque<>();
    private long tailBase;
    private static final int TAIL_MAX = 1 << 16;
    private long committedZxid;
    private long appliedZxid;
    private long now;

    // Pending parts of the next Ready.
    private boolean epochsDirty;
    private long pendTruncate = -1;
    private SnapshotToInstall pendSnapshot;
    private List<TxnRecord> pendAppend = new ArrayList<>();
    private List<Outgoing> pendMsgs = new ArrayList<>();
    private boolean pendRoleChanged;
    private Ready outstanding;

    private Role role;
    private int leaderId = -1;
    private boolean serving;
    private long roleSince;

    // Election.
    private record Vote(int leader, long zxid, long peerEpoch) {
    }

    private long logicalClock;
    private long decideAt = -1;
    private Vote proposal;
    private final Map<Integer, Vote> recvSet = new HashMap<>();
    private final Map<Integer, Notification> outOfElection = new HashMap<>();

    private LearnerState ls;
    private LeaderState ld;

    public ZabNode(ZabConfig config, Epochs persisted, ZabLog log, ZabStateMachine state, long randomSeed) {
        this.config = config;
        this.myId = config.myId();
        this.observer = !config.isVoter(myId);
        this.majority = new Majority(config.voterCount());
        this.ackScratch = new long[config.voterCount()];
        for (Peer p : config.peers()) {
            members.add(p.id());
            if (!p.observer()) {
                voters.add(p.id());
            }
            if (p.id() != myId) {
                others.add(p.id());
            }
        }
        this.log = log;
        this.state = state;
        this.random = new Random(randomSeed);
        this.epochs = persisted == null ? Epochs.INITIAL : persisted;
        this.appliedZxid = state.appliedZxid();
        this.committedZxid = appliedZxid;
        this.lastZxid = Math.max(log.lastZxid(), appliedZxid);
        this.durableZxid = lastZxid; // the driver opens the log after recovery: all of it is durable
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
        return lastZxid;
    }

    public long durableZxid() {
        return durableZxid;
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
            LearnerHandle h = ld.learners.get(p.id());
            if (h == null) {
                out.put(p.id(), new PeerStatus(p.id(), p.observer(), false, false, 0, lastZxid, -1));
            } else {
                out.put(p.id(), new PeerStatus(p.id(), p.observer(), true, h.newLeaderAcked, h.acked,
                        Math.max(0, lastZxid - h.acked), now - h.lastHeard));
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
        append(record);
        for (LearnerHandle h : ld.learners.values()) {
            if (h.synced && !h.observer) {
                h.send(new Proposal(h.session, ld.epoch, ++h.seq, record));
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
        if (zxid <= durableZxid || !unsynced.contains(zxid)) {
            return;
        }
        unsynced.headSet(zxid, true).clear();
        durableZxid = zxid;
        if (role == Role.LEADING) {
            maybeSelfNewLeader();
            maybeCommit();
        } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
            learnerProgress();
        }
    }

    public boolean hasReady() {
        return outstanding == null && (epochsDirty || pendTruncate >= 0 || pendSnapshot != null
                || !pendAppend.isEmpty() || !pendMsgs.isEmpty() || pendRoleChanged
                || appliedZxid < Math.min(committedZxid, durableZxid));
    }

    public Ready ready() {
        checkNotOutstanding();
        List<TxnRecord> toApply = List.of();
        long limit = Math.min(committedZxid, durableZxid);
        while (appliedZxid < limit) {
            if (toApply.isEmpty()) {
                toApply = new ArrayList<>();
            }
            if (!tail.isEmpty() && tailBase <= appliedZxid) {
                // Fast path: the records due are the ones this node appended (contiguous after tailBase).
                while (!tail.isEmpty() && tail.peekFirst().zxid() <= appliedZxid) {
                    tailBase = tail.pollFirst().zxid();
                }
                if (!tail.isEmpty() && tail.peekFirst().zxid() <= limit) {
                    TxnRecord r = tail.pollFirst();
                    tailBase = r.zxid();
                    toApply.add(r);
                    appliedZxid = r.zxid();
                    continue;
                }
                if (!tail.isEmpty()) {
                    break; // the next record of the history is not committed yet
                }
            }
            // Within one epoch zxids are consecutive, so ask for no more records than are due.
            int due = Zxids.epochOf(limit) == Zxids.epochOf(appliedZxid)
                    ? (int) Math.min(READ_CHUNK, Zxids.counterOf(limit) - Zxids.counterOf(appliedZxid)) : READ_CHUNK;
            List<TxnRecord> batch = readHistory(appliedZxid, Math.max(1, due));
            boolean progressed = false;
            for (TxnRecord r : batch) {
                if (r.zxid() > limit) {
                    break;
                }
                toApply.add(r);
                appliedZxid = r.zxid();
                progressed = true;
            }
            if (!progressed) {
                throw new IllegalStateException("server " + myId + ": committed zxid " + Zxids.hex(limit)
                        + " is not in the log after " + Zxids.hex(appliedZxid));
            }
        }
        // The pending lists are handed over (the Ready owns them from now on) and replaced only if used.
        List<TxnRecord> toAppend = pendAppend.isEmpty() ? List.of() : pendAppend;
        List<Outgoing> messages = pendMsgs.isEmpty() ? List.of() : pendMsgs;
        Ready r = new Ready(epochsDirty ? epochs : null, pendTruncate, pendSnapshot, toAppend, messages, toApply,
                pendRoleChanged);
        if (!pendAppend.isEmpty()) {
            pendAppend = new ArrayList<>();
        }
        if (!pendMsgs.isEmpty()) {
            pendMsgs = new ArrayList<>();
        }
        epochsDirty = false;
        pendTruncate = -1;
        pendSnapshot = null;
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

    // ------------------------------------------------------------------ log helpers

    private void send(int to, ZabMessage m) {
        pendMsgs.add(new Outgoing(to, m));
    }

    private void setEpochs(Epochs e) {
        if (!e.equals(epochs)) {
            epochs = e;
            epochsDirty = true;
        }
    }

    private void append(TxnRecord r) {
        if (r.zxid() <= lastZxid) {
            throw new IllegalStateException("append of " + Zxids.hex(r.zxid()) + " after " + Zxids.hex(lastZxid));
        }
        pendAppend.add(r);
        unsynced.add(r.zxid());
        if (tail.isEmpty()) {
            tailBase = lastZxid;
        }
        if (tail.size() < TAIL_MAX) {
            tail.addLast(r);
        } else {
            tail.clear(); // far ahead of what is applied (a long sync): read those from the log
        }
        lastZxid = r.zxid();
    }

    /** Cuts the log after {@code zxid} (never below what is applied). */
    private void truncate(long zxid) {
        if (zxid < committedZxid) {
            throw new IllegalStateException("server " + myId + ": truncate after " + Zxids.hex(zxid)
                    + " would cut committed txns up to " + Zxids.hex(committedZxid));
        }
        if (zxid >= lastZxid) {
            return;
        }
        pendAppend.removeIf(r -> r.zxid() > zxid);
        while (!tail.isEmpty() && tail.peekLast().zxid() > zxid) {
            tail.pollLast();
        }
        if (tail.isEmpty() || tailBase > zxid) {
            tail.clear();
        }
        long logLast = pendTruncate >= 0 ? Math.min(pendTruncate, log.lastZxid()) : log.lastZxid();
        lastZxid = zxid;
        unsynced.tailSet(zxid, false).clear();
        if (zxid < logLast) {
            // the driver cuts the log and fsyncs what survives (all of it already written: pending appends are
            // newer than what the log holds, so they were all dropped above)
            pendTruncate = pendTruncate >= 0 ? Math.min(pendTruncate, zxid) : zxid;
            durableZxid = zxid;
            unsynced.clear();
        } else {
            durableZxid = Math.min(durableZxid, zxid);
        }
    }

    /** Records with zxid > {@code after}, at most {@code max}, as the log will be once the pending Ready is done. */
    private List<TxnRecord> readHistory(long after, int max) {
        List<TxnRecord> out = new ArrayList<>();
        long floor = pendSnapshot != null ? pendSnapshot.zxid() : Long.MIN_VALUE;
        boolean logExhausted = true;
        List<TxnRecord> fromLog = log.read(after, max);
        for (TxnRecord r : fromLog) {
            if (pendTruncate >= 0 && r.zxid() > pendTruncate) {
                break;
            }
            if (r.zxid() <= floor) {
                continue;
            }
            out.add(r);
        }
        if (fromLog.size() >= max && (pendTruncate < 0 || fromLog.get(fromLog.size() - 1).zxid() <= pendTruncate)) {
            logExhausted = false;
        }
        if (logExhausted) {
            long last = out.isEmpty() ? after : out.get(out.size() - 1).zxid();
            for (TxnRecord r : pendAppend) {
                if (out.size() >= max) {
                    break;
                }
                if (r.zxid() > last) {
                    out.add(r);
                    last = r.zxid();
                }
            }
        }
        return out;
    }

    /** Whether our history provably contains the point {@code zxid}: the empty prefix, our applied state, or a
     * record we hold (same zxid means same txn and same history before it). */
    private boolean hasPoint(long zxid) {
        return zxid == 0 || zxid == appliedZxid || hasRecord(zxid);
    }

    private boolean hasRecord(long zxid) {
        if (zxid <= 0 || zxid > lastZxid) {
            return false;
        }
        List<TxnRecord> r = readHistory(zxid - 1, 1);
        return !r.isEmpty() && r.get(0).zxid() == zxid;
    }

    // ------------------------------------------------------------------ roles

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
        logicalClock++;
        decideAt = -1;
        recvSet.clear();
        outOfElection.clear();
        proposal = initialVote();
        if (!observer) {
            recvSet.put(myId, proposal);
        }
        broadcastNotification();
    }

    private Vote initialVote() {
        return observer ? new Vote(-1, durableZxid, epochs.currentEpoch())
                : new Vote(myId, durableZxid, epochs.currentEpoch());
    }

    // ------------------------------------------------------------------ election

    private static boolean better(Vote a, Vote b) {
        if (a.peerEpoch != b.peerEpoch) {
            return a.peerEpoch > b.peerEpoch;
        }
        if (a.zxid != b.zxid) {
            return a.zxid > b.zxid;
        }
        return a.leader > b.leader;
    }

    private int agreeing() {
        int agree = 0;
        for (Map.Entry<Integer, Vote> e : recvSet.entrySet()) {
            if (isVoter(e.getKey()) && e.getValue().equals(proposal)) {
                agree++;
            }
        }
        return agree;
    }

    private void decide() {
        decideAt = -1;
        if (proposal.leader == myId) {
            becomeLeader();
        } else {
            becomeLearner(proposal.leader);
        }
    }

    private void lookingTick() {
        if (decideAt >= 0 && now >= decideAt) {
            if (majority.reached(agreeing())) {
                decide();
                return;
            }
            decideAt = -1;
        }
        broadcastNotification();
    }

    private Notification myNotification() {
        return switch (role) {
            case LOOKING -> new Notification(proposal.leader, proposal.zxid, proposal.peerEpoch, logicalClock, role);
            case LEADING -> new Notification(myId, lastZxid, ld != null && ld.epochChosen ? ld.epoch
                    : epochs.acceptedEpoch(), logicalClock, role);
            default -> new Notification(leaderId, proposal.zxid, proposal.peerEpoch, logicalClock, role);
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
        boolean fromVoter = isVoter(from);
        if (role != Role.LOOKING) {
            if (n.state() == Role.LOOKING) {
                send(from, myNotification()); // tell a looking peer who leads
            }
            return;
        }
        if (n.state() == Role.LOOKING) {
            if (observer || !fromVoter || !isVoter(n.leader())) {
                return; // observers learn from established peers only; observers' votes do not count
            }
            Vote v = new Vote(n.leader(), n.zxid(), n.peerEpoch());
            if (n.electionEpoch() > logicalClock) {
                logicalClock = n.electionEpoch();
                recvSet.clear();
                Vote mine = initialVote();
                proposal = better(v, mine) ? v : mine;
                broadcastNotification();
            } else if (n.electionEpoch() < logicalClock) {
                send(from, myNotification());
                return;
            } else if (better(v, proposal)) {
                proposal = v;
                broadcastNotification();
            }
            recvSet.put(from, v);
            recvSet.put(myId, proposal);
            int agree = agreeing();
            if (majority.unanimous(agree)) {
                decide(); // unanimous: nothing better can come
            } else if (majority.reached(agree)) {
                if (decideAt < 0) {
                    decideAt = now + 1; // like ZooKeeper's finalizeWait: give better votes a moment to arrive
                }
            } else {
                decideAt = -1;
            }
            return;
        }
        // The sender is in an established ensemble (following or leading).
        if (!fromVoter || !isVoter(n.leader()) || n.leader() == myId) {
            return;
        }
        outOfElection.put(from, n);
        int x = n.leader();
        Notification fromLeader = outOfElection.get(x);
        if (fromLeader == null || fromLeader.state() != Role.LEADING || fromLeader.leader() != x) {
            return;
        }
        if (observer) {
            becomeLearner(x);
            return;
        }
        int count = 1; // myself
        for (Map.Entry<Integer, Notification> e : outOfElection.entrySet()) {
            if (e.getValue().leader() == x) {
                count++;
            }
        }
        if (majority.reached(count)) {
            becomeLearner(x);
        }
    }

    // ------------------------------------------------------------------ learner

    private enum LPhase { DISCOVERY, SYNC, BROADCAST }

    private final class LearnerState {
        final long session = random.nextLong();
        LPhase phase = LPhase.DISCOVERY;
        long epoch = -1;
        long nextSeq = 1;
        final TreeMap<Long, Stream> buffer = new TreeMap<>();
        long leaderSeq; // highest seq the leader says it sent
        long missingSince = -1;
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
                ? new ObserverInfo(ls.session, epochs.acceptedEpoch(), durableZxid, appliedZxid)
                : new FollowerInfo(ls.session, epochs.acceptedEpoch(), durableZxid, appliedZxid);
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
            send(leaderId, new AckEpoch(ls.session, ls.epoch, epochs.currentEpoch(), durableZxid));
        } else if (ls.newLeaderAcked && ls.phase != LPhase.BROADCAST) {
            send(leaderId, new AckNewLeader(ls.session, ls.epoch, ls.newLeaderZxid)); // it may have been lost
        }
        boolean missing = !ls.buffer.isEmpty() || ls.leaderSeq >= ls.nextSeq;
        if (!missing) {
            ls.missingSince = -1;
        } else if (ls.missingSince < 0) {
            ls.missingSince = now;
        } else if (now - ls.missingSince >= 2) {
            newLearnerSession(); // a stream message was lost: sync again with the same leader
            return;
        }
        if (ls.phase != LPhase.DISCOVERY) {
            send(leaderId, new Ping(ls.session, ls.epoch, 0, ackable()));
        }
    }

    private long ackable() {
        return ls != null && ls.newLeaderAcked ? Math.min(durableZxid, ls.common) : 0;
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
            ls.leaderSeq = Math.max(ls.leaderSeq, p.seq());
            return;
        }
        if (m instanceof Stream s) {
            if (s.seq() < ls.nextSeq) {
                return; // duplicate
            }
            ls.leaderSeq = Math.max(ls.leaderSeq, s.seq());
            ls.buffer.put(s.seq(), s);
            while (ls != null && !ls.buffer.isEmpty() && ls.buffer.firstKey() == ls.nextSeq) {
                Stream next = ls.buffer.pollFirstEntry().getValue();
                ls.nextSeq++;
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
        if (Zxids.epochOf(lastZxid) > e) {
            becomeLooking();
            return;
        }
        setEpochs(new Epochs(e, cur.currentEpoch(), leaderId));
        ls.epoch = e;
        ls.phase = LPhase.SYNC;
        ls.lastHeard = now;
        send(leaderId, new AckEpoch(ls.session, e, epochs.currentEpoch(), durableZxid));
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
        if (zxid < appliedZxid || zxid > lastZxid || (diff && zxid > durableZxid && zxid != lastZxid)) {
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
            if (lastZxid > z) {
                truncate(z);
            }
            lastZxid = z;
        }
        tail.clear(); // the history may have been reset at z: read it from the log from now on
        pendSnapshot = new SnapshotToInstall(z, s.snapshot());
        durableZxid = Math.max(durableZxid, z);
        unsynced.headSet(z, true).clear();
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
        if (lastZxid > ls.common) {
            if (hasRecord(z)) {
                ls.common = z;
                return;
            }
            truncate(ls.common);
        }
        append(r);
        ls.common = z;
    }

    private void onNewLeader(NewLeader n) {
        if (ls.common < 0) {
            newLearnerSession();
            return;
        }
        if (lastZxid > ls.common) {
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
        if (ls.newLeaderZxid >= 0 && !ls.newLeaderAcked && durableZxid >= ls.newLeaderZxid) {
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

    private final class LearnerHandle {
        final int id;
        final boolean observer;
        final long session;
        long lastHeard = now;
        long acceptedEpoch;
        long lastZxid;
        long appliedZxid;
        boolean ackedEpoch;
        long currentEpoch;
        long ackZxid;
        boolean synced; // its sync was sent: it gets the new proposals
        long sentUpTo;
        boolean newLeaderAcked;
        long acked;
        long seq;

        LearnerHandle(int id, boolean observer, long session) {
            this.id = id;
            this.observer = observer;
            this.session = session;
        }

        void send(ZabMessage m) {
            ZabNode.this.send(id, m);
        }
    }

    private final class LeaderState {
        final Map<Integer, Long> infos = new HashMap<>(); // voters' accepted epochs (incl. mine)
        boolean epochChosen;
        long epoch;
        final java.util.Set<Integer> ackEpochVoters = new java.util.HashSet<>();
        boolean quorumAckEpoch;
        long initialEnd;
        boolean selfNewLeaderAcked;
        boolean established;
        long counter;
        final Map<Integer, LearnerHandle> learners = new TreeMap<>();
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
        long max = Collections.max(ld.infos.values());
        long e = max + 1;
        if (e > 0xffffffffL) {
            throw new IllegalStateException("epoch space exhausted");
        }
        ld.epoch = e;
        ld.epochChosen = true;
        setEpochs(new Epochs(e, epochs.currentEpoch(), myId));
        ld.ackEpochVoters.add(myId);
        for (LearnerHandle h : ld.learners.values()) {
            h.send(new LeaderInfo(h.session, e));
        }
        maybeQuorumAckEpoch();
    }

    private void onLearnerInfo(int from, long session, long acceptedEpoch, long lastZ, long appliedZ) {
        LearnerHandle h = ld.learners.get(from);
        if (h == null || h.session != session) {
            h = new LearnerHandle(from, !isVoter(from), session);
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
            h.send(new LeaderInfo(session, ld.epoch));
        }
    }

    private void onLeaderSessionMessage(int from, Session m) {
        LearnerHandle h = ld.learners.get(from);
        if (h == null || h.session != m.session() || !ld.epochChosen || m.epoch() != ld.epoch) {
            return;
        }
        h.lastHeard = now;
        if (m instanceof AckEpoch a) {
            if (h.ackedEpoch) {
                return;
            }
            h.ackedEpoch = true;
            h.currentEpoch = a.currentEpoch();
            h.ackZxid = a.lastZxid();
            boolean ahead = a.currentEpoch() > epochs.currentEpoch()
                    || (a.currentEpoch() == epochs.currentEpoch() && a.lastZxid() > lastZxid);
            if (!ld.quorumAckEpoch) {
                if (ahead && !h.observer) {
                    becomeLooking(); // a follower has a newer history: this leader must not lead
                    return;
                }
                if (!h.observer) {
                    ld.ackEpochVoters.add(from);
                }
                maybeQuorumAckEpoch();
            } else if (ahead && a.currentEpoch() >= ld.epoch) {
                ld.learners.remove(from); // impossible for a unique leader of this epoch: refuse it
            } else {
                syncLearner(h);
            }
        } else if (m instanceof EpochRefused) {
            // this peer promised the epoch elsewhere and can never join it: make room for a higher epoch
            becomeLooking();
        } else if (m instanceof AckNewLeader a) {
            if (!h.synced || h.newLeaderAcked) {
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
            if (h.newLeaderAcked && a.zxid() > h.acked) {
                h.acked = Math.min(a.zxid(), lastZxid);
                maybeCommit();
            }
        } else if (m instanceof Ping p) {
            if (h.newLeaderAcked && p.zxid() > h.acked) {
                h.acked = Math.min(p.zxid(), lastZxid);
                maybeCommit();
            }
        }
    }

    private void maybeQuorumAckEpoch() {
        if (ld.quorumAckEpoch || !majority.reached(ld.ackEpochVoters.size())) {
            return;
        }
        ld.quorumAckEpoch = true;
        ld.initialEnd = lastZxid;
        for (LearnerHandle h : ld.learners.values()) {
            if (h.ackedEpoch && !h.synced) {
                syncLearner(h);
            }
        }
        maybeSelfNewLeader();
    }

    /** Brings a learner to this leader's history: DIFF, TRUNC (lazy) or SNAP, the txns, NEWLEADER. */
    private void syncLearner(LearnerHandle h) {
        long z = h.ackZxid;
        long from;
        if (z == lastZxid || hasRecord(z)) {
            h.send(new Diff(h.session, ld.epoch, ++h.seq, z));
            from = z;
        } else {
            long p = -1;
            if (h.appliedZxid > 0 && hasRecord(h.appliedZxid)) {
                p = h.appliedZxid;
            }
            long sameEpoch = lastRecordOfEpochAtOrBefore(Zxids.epochOf(z), z);
            if (sameEpoch > p) {
                p = sameEpoch;
            }
            if (p > 0) {
                h.send(new Trunc(h.session, ld.epoch, ++h.seq, p));
                from = p;
            } else {
                long snapZxid = state.appliedZxid();
                h.send(new Snap(h.session, ld.epoch, ++h.seq, snapZxid, state.snapshot()));
                from = snapZxid;
            }
        }
        long last = from;
        while (true) {
            List<TxnRecord> batch = readHistory(last, READ_CHUNK);
            if (batch.isEmpty()) {
                break;
            }
            for (TxnRecord r : batch) {
                h.send(new Proposal(h.session, ld.epoch, ++h.seq, r));
                last = r.zxid();
            }
        }
        if (last != lastZxid) {
            throw new IllegalStateException("server " + myId + ": the log ends at " + Zxids.hex(last)
                    + ", expected " + Zxids.hex(lastZxid));
        }
        if (committedZxid > from) {
            h.send(new Commit(h.session, ld.epoch, ++h.seq, committedZxid));
        }
        h.send(new NewLeader(h.session, ld.epoch, ++h.seq, lastZxid));
        h.synced = true;
        h.sentUpTo = lastZxid;
    }

    private long lastRecordOfEpochAtOrBefore(long epoch, long z) {
        long after = Math.max(Zxids.make(epoch, 0), log.firstZxid() - 1);
        long found = -1;
        while (true) {
            List<TxnRecord> batch = readHistory(after, READ_CHUNK);
            if (batch.isEmpty()) {
                return found;
            }
            for (TxnRecord r : batch) {
                if (r.zxid() > z || Zxids.epochOf(r.zxid()) != epoch) {
                    return found;
                }
                found = r.zxid();
                after = r.zxid();
            }
        }
    }

    private void maybeSelfNewLeader() {
        if (ld == null || !ld.quorumAckEpoch || ld.selfNewLeaderAcked || durableZxid < ld.initialEnd) {
            return;
        }
        setEpochs(new Epochs(Math.max(epochs.acceptedEpoch(), ld.epoch), ld.epoch, epochs.acceptedFrom()));
        ld.selfNewLeaderAcked = true;
        checkEstablished();
    }

    private void checkEstablished() {
        if (ld.established || !ld.selfNewLeaderAcked) {
            return;
        }
        int n = 1;
        for (LearnerHandle h : ld.learners.values()) {
            if (!h.observer && h.newLeaderAcked) {
                n++;
            }
        }
        if (!majority.reached(n)) {
            return;
        }
        ld.established = true;
        serving = true;
        if (ld.initialEnd > committedZxid) {
            committedZxid = ld.initialEnd;
        }
        for (LearnerHandle h : ld.learners.values()) {
            if (h.newLeaderAcked) {
                sendUpToDate(h);
            }
        }
        maybeCommit();
    }

    private void sendUpToDate(LearnerHandle h) {
        h.send(new Commit(h.session, ld.epoch, ++h.seq, Math.min(committedZxid, h.sentUpTo)));
        if (h.observer && committedZxid > h.sentUpTo) {
            informObserver(h, committedZxid);
        }
        h.send(new UpToDate(h.session, ld.epoch, ++h.seq));
    }

    private void maybeCommit() {
        if (ld == null || !ld.established) {
            return;
        }
        long[] acks = ackScratch; // one slot per voter: learners are keyed by server id
        int n = 0;
        acks[n++] = durableZxid;
        for (LearnerHandle h : ld.learners.values()) {
            if (!h.observer && h.newLeaderAcked) {
                acks[n++] = h.acked;
            }
        }
        long durableOnQuorum = majority.committed(acks, n);
        if (durableOnQuorum < 0) {
            return;
        }
        long c = Math.min(durableOnQuorum, lastZxid);
        if (c <= committedZxid) {
            return;
        }
        long previous = committedZxid;
        committedZxid = c;
        for (LearnerHandle h : ld.learners.values()) {
            if (!h.synced || !h.newLeaderAcked) {
                continue; // the UPTODATE path sends it the commit point
            }
            if (!h.observer) {
                h.send(new Commit(h.session, ld.epoch, ++h.seq, c));
            } else {
                if (h.sentUpTo > previous) {
                    h.send(new Commit(h.session, ld.epoch, ++h.seq, Math.min(c, h.sentUpTo)));
                }
                if (c > h.sentUpTo) {
                    informObserver(h, c);
                }
            }
        }
    }

    /** Sends an observer the committed txns after what it was sent, through {@code upTo}. */
    private void informObserver(LearnerHandle h, long upTo) {
        long from = h.sentUpTo;
        if (!hasRecord(from) && from < state.appliedZxid()) {
            // the log no longer reaches back to where this observer is: send it a snapshot first
            from = state.appliedZxid();
            h.send(new Snap(h.session, ld.epoch, ++h.seq, from, state.snapshot()));
        }
        for (TxnRecord r : readRange(from, upTo)) {
            h.send(new Inform(h.session, ld.epoch, ++h.seq, r));
        }
        h.sentUpTo = upTo;
    }

    private List<TxnRecord> readRange(long after, long upTo) {
        List<TxnRecord> out = new ArrayList<>();
        long last = after;
        while (last < upTo) {
            List<TxnRecord> batch = readHistory(last, READ_CHUNK);
            if (batch.isEmpty()) {
                break;
            }
            for (TxnRecord r : batch) {
                if (r.zxid() > upTo) {
                    return out;
                }
                out.add(r);
                last = r.zxid();
            }
        }
        return out;
    }

    private void leaderTick() {
        if (!ld.established) {
            if (now - roleSince > config.initLimitTicks()) {
                becomeLooking();
                return;
            }
        } else {
            int heard = 1;
            for (LearnerHandle h : ld.learners.values()) {
                if (!h.observer && h.newLeaderAcked && now - h.lastHeard <= config.syncLimitTicks()) {
                    heard++;
                }
            }
            if (!majority.reached(heard)) {
                becomeLooking(); // lost the quorum: step down, no split brain
                return;
            }
        }
        ld.learners.values().removeIf(h -> now - h.lastHeard > Math.max(config.syncLimitTicks(),
                h.synced ? 0 : config.initLimitTicks()));
        for (LearnerHandle h : ld.learners.values()) {
            if (ld.epochChosen && h.ackedEpoch) {
                h.send(new Ping(h.session, ld.epoch, h.seq, committedZxid));
            }
        }
    }
}
