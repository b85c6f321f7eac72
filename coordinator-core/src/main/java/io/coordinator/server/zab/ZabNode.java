package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Election.Vote;
import io.coordinator.server.zab.ZabMessage.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
 * other input. An fsync is reported with {@link #persisted} naming the log generation of the Ready that wrote the
 * records, so a report from before a truncation or snapshot is recognised and ignored.
 */
public final class ZabNode {
    // Package-private: the parts (Leader, Learner) read and move the node's shared state.
    final int myId;
    final Configs configs; // the committed config and those of reconfigs in the log after it
    ZabConfig appliedConfig; // the config as of appliedZxid: what a SNAP of the applied state carries
    private final boolean startsAsObserver; // how to learn while in none of the configs (a server being added)
    private boolean removed; // a reconfig this node saw committed removed it: it takes no part any more
    private ZabConfig knownCommitted; // the committed config the role was last checked against
    final ZabStateMachine state;
    final Random random;

    final History history;
    private final Election election;
    private Epochs epochs;
    long committedZxid;
    long appliedZxid;
    long now;
    boolean serving; // leader: a quorum acknowledged NEWLEADER; learner: after UPTODATE

    // Pending parts of the next Ready (the history holds its own).
    private boolean epochsDirty;
    private boolean configDirty; // a newer committed config to persist
    private List<Outgoing> pendMsgs = new ArrayList<>();
    private boolean pendRoleChanged;
    private Ready outstanding;

    private Role role;
    private int leaderId = -1;
    private Leader leader; // while leading
    private Learner learner; // while following or observing

    /**
     * {@code config}: the newest committed configuration this server knows: the last one a Ready asked to
     * persist ({@link Ready#configToPersist}), else the one of its state machine's applied state, else the one the
     * ensemble was started with (for a server being added: the one the operator started it with). Reconfig txns
     * in the log after it are pending until a leader says they are committed.
     */
    public ZabNode(ZabConfig config, Epochs persisted, ZabLog log, ZabStateMachine state, long randomSeed) {
        this(config, null, persisted, log, state, randomSeed);
    }

    /**
     * A server being added: {@code config} (the ensemble's, which does not name it yet) and {@code joiningAs}, the
     * member it is to become (a participant or an observer). It learns as that kind of learner, without a vote,
     * until a committed reconfig names it. (Its own idea of the future membership never counts in a quorum: only
     * configs the ensemble committed or proposed do.)
     */
    public ZabNode(
            ZabConfig config, Peer joiningAs, Epochs persisted, ZabLog log, ZabStateMachine state, long randomSeed) {
        this.myId = config.myId();
        this.configs = new Configs(config);
        this.appliedConfig = config;
        this.startsAsObserver = joiningAs != null ? joiningAs.observer() : !config.isVoter(myId);
        this.state = state;
        this.random = new Random(randomSeed);
        this.epochs = persisted == null ? Epochs.INITIAL : persisted;
        this.appliedZxid = state.appliedZxid();
        this.committedZxid = appliedZxid;
        // the driver opens the log after recovery: all of it is durable
        this.history = new History("server " + myId, log, Math.max(log.lastZxid(), appliedZxid));
        if (log.lastZxid() > appliedZxid) {
            for (TxnRecord r : history.readRange(appliedZxid, log.lastZxid())) {
                configs.appended(r);
            }
        }
        this.knownCommitted = configs.committed();
        this.removed = !configs.isMember(myId) && joiningAs == null; // restarted with the config that removed it
        this.election = new Election(myId, configs);
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

    /** The last committed configuration this node knows (its version is the zxid of its reconfig txn). */
    public ZabConfig config() {
        return configs.committed();
    }

    /** The configuration of a reconfig this node has in its log and does not know to be committed; else null. */
    public ZabConfig pendingConfig() {
        return configs.hasPending() ? configs.newest() : null;
    }

    /** Whether a committed reconfig removed this node from the ensemble: it takes no part until restarted. */
    public boolean isRemoved() {
        return removed;
    }

    /** Leader after a quorum acknowledged NEWLEADER; learner after UPTODATE. */
    public boolean isServing() {
        return serving;
    }

    /** The leader's view of each learner (empty when not leading). */
    public Map<Integer, PeerStatus> peers() {
        Map<Integer, PeerStatus> out = new LinkedHashMap<>();
        for (Peer p : configs.newest().peers()) {
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
        if (removed) {
            askAsRemoved();
            return;
        }
        switch (role) {
            case LOOKING -> lookingTick();
            case LEADING -> leader.tick();
            case FOLLOWING, OBSERVING -> learner.tick();
        }
        afterInput();
    }

    public void step(int from, ZabMessage m) {
        checkNotOutstanding();
        // Any server may learn, as the kind it says it is: one being added syncs with the leader (as a non-voting
        // follower) before the reconfig that adds it can commit, an observer being made a participant rejoins as a
        // follower once it learns the commit. A learner counts only where a config names it a voter.
        if (from == myId || m == null) {
            return;
        }
        if (removed) {
            if (m instanceof Notification n) {
                if (n.configVersion() > configs.committed().version() && memberOf(n.members())) {
                    // a later committed config added us back (ZooKeeper's looking non-member takes it from a
                    // notification too): take part again, looking for its leader
                    configs.learned(configs.committed().withMembers(n.configVersion(), n.members()));
                    removed = false;
                    becomeLooking();
                    afterInput();
                } else if (n.state() == Role.LOOKING
                        && n.configVersion() < configs.committed().version()) {
                    // no vote, but the committed config that removed us: a peer that missed that commit learns it
                    // (one that has it already gets no answer: two looking servers would never stop talking)
                    send(from, removedNotification());
                }
            }
            return;
        }
        if (m instanceof Notification n) {
            onNotification(from, n);
        } else if (m instanceof FollowerInfo f) {
            if (role == Role.LEADING) {
                leader.onLearnerInfo(from, false, f.session(), f.acceptedEpoch(), f.lastZxid(), f.appliedZxid());
            }
        } else if (m instanceof ObserverInfo o) {
            if (role == Role.LEADING) {
                leader.onLearnerInfo(from, true, o.session(), o.acceptedEpoch(), o.lastZxid(), o.appliedZxid());
            }
        } else if (m instanceof Session s) {
            if (role == Role.LEADING) {
                leader.onSessionMessage(from, s);
            } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
                learner.onSessionMessage(from, s);
            }
        }
        afterInput();
    }

    /**
     * The connection to a peer broke. A learner whose leader is gone looks for a new one at once, as a
     * ZooKeeper follower does when its socket to the leader breaks, instead of waiting syncLimit ticks.
     * Safe whatever the cause: a false alarm only costs an election.
     */
    public void peerDisconnected(int peerId) {
        checkNotOutstanding();
        if (!removed && (role == Role.FOLLOWING || role == Role.OBSERVING) && peerId == leaderId) {
            becomeLooking();
        }
    }

    /**
     * A removed server asks the members of the config that removed it, each tick, with a LOOKING notification
     * that votes for nobody: a member answers with its own notification, which carries its committed config, so
     * a removed server that a later reconfig adds back learns it (else it would stay out for good).
     */
    private void askAsRemoved() {
        Notification n = removedNotification();
        for (Peer p : configs.committed().peers()) {
            send(p.id(), n);
        }
    }

    private Notification removedNotification() {
        ZabConfig c = configs.committed();
        return new Notification(-1, 0, 0, 0, Role.LOOKING, c.version(), c.peers());
    }

    private boolean memberOf(List<Peer> peers) {
        for (Peer p : peers) {
            if (p.id() == myId) {
                return true;
            }
        }
        return false;
    }

    /** Leader that is serving only: assigns the next zxid, appends and broadcasts the proposal. */
    public long propose(long clientId, int cxid, long time, Txn txn) {
        checkNotOutstanding();
        if (role != Role.LEADING || !serving) {
            throw new NotLeaderException("server " + myId + " is not a serving leader (" + role + ")", leaderId);
        }
        if (txn instanceof Txn.Reconfig) {
            throw new IllegalArgumentException("a membership change goes through reconfig(), not propose()");
        }
        long zxid = leader.nextZxid();
        TxnRecord record = new TxnRecord(new TxnHeader(clientId, cxid, zxid, time, txn.type()), txn);
        append(record);
        leader.broadcast(record);
        return zxid;
    }

    /**
     * Leader that is serving only: proposes the membership named by {@code serverLines} (ZooKeeper's
     * {@code server.N=...} lines of the whole new ensemble) as a reconfig txn, whose data is the new config with
     * {@code version=} its zxid, as ZooKeeper writes /zookeeper/config. It commits once a quorum of the current
     * and a quorum of the new configuration have it durable; from then on the new configuration decides
     * everything.
     *
     * @param fromVersion the config version the client based the change on ({@code -1}: any), ZooKeeper's
     *     {@code -from}
     * @throws ReconfigException IN_PROGRESS while another reconfig is not committed, BAD_VERSION if
     *     {@code fromVersion} is not the current version, NO_QUORUM if the new configuration's synced voters
     *     (followers that acknowledged NEWLEADER and were heard from within syncLimit, and this leader if it
     *     stays a voter) are no quorum of it, INVALID if the members are not a configuration
     */
    public long reconfig(long clientId, int cxid, long time, String serverLines, long fromVersion) {
        checkNotOutstanding();
        checkReconfig(serverLines, fromVersion);
        long zxid = leader.nextZxid();
        Txn txn = new Txn.Reconfig(ZabConfig.content(serverLines, zxid));
        TxnRecord record = new TxnRecord(new TxnHeader(clientId, cxid, zxid, time, txn.type()), txn);
        append(record);
        leader.broadcast(record);
        afterInput();
        return zxid;
    }

    /**
     * What {@link #reconfig} would refuse, without proposing anything: the request layer asks this when it
     * prepares the txn (it assigns the zxid before the core proposes it).
     */
    public void checkReconfig(String serverLines, long fromVersion) {
        if (role != Role.LEADING || !serving) {
            throw new NotLeaderException("server " + myId + " is not a serving leader (" + role + ")", leaderId);
        }
        ZabConfig next;
        try {
            next = configs.committed().withMembers(0, ZabConfig.parseMembers(serverLines));
        } catch (IllegalArgumentException e) {
            throw new ReconfigException(ReconfigException.Reason.INVALID, e.getMessage());
        }
        if (configs.hasPending()) {
            throw new ReconfigException(
                    ReconfigException.Reason.IN_PROGRESS,
                    "the reconfig at " + Zxids.hex(configs.newest().version()) + " is not committed yet");
        }
        long current = configs.committed().version();
        if (fromVersion >= 0 && fromVersion != current) {
            throw new ReconfigException(
                    ReconfigException.Reason.BAD_VERSION,
                    "the config version is " + Long.toHexString(current) + ", not " + Long.toHexString(fromVersion));
        }
        if (!leader.quorumSynced(next)) {
            throw new ReconfigException(
                    ReconfigException.Reason.NO_QUORUM,
                    "no quorum of the new configuration " + next.peers() + " is synced with the leader");
        }
    }

    /**
     * Every record appended with zxid <= {@code zxid} in log {@code generation} (the {@link Ready#logGeneration} of
     * the Ready that appended it) is fsynced. A report from before a cut of the log (a truncation or a snapshot
     * install) is ignored: the record now under that zxid may have been written again since, and not be durable.
     */
    public void persisted(long zxid, long generation) {
        checkNotOutstanding();
        if (!history.persisted(zxid, generation)) {
            return;
        }
        if (role == Role.LEADING) {
            leader.persisted();
        } else if (role == Role.FOLLOWING || role == Role.OBSERVING) {
            learner.progress();
        }
        afterInput();
    }

    /** The log generation of the records appended now (changes with every cut of the log). */
    public long logGeneration() {
        return history.generation();
    }

    public boolean hasReady() {
        return outstanding == null
                && (epochsDirty
                        || configDirty
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
            for (TxnRecord r : toApply) {
                if (r.txn() instanceof Txn.Reconfig rc && r.zxid() > appliedConfig.version()) {
                    appliedConfig = appliedConfig.withMembers(r.zxid(), ZabConfig.parseMembers(rc));
                }
            }
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
                pendRoleChanged,
                configDirty ? configs.committed() : null,
                history.generation());
        configDirty = false;
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

    /** A voter of the committed config or of a pending one. */
    boolean isVoter(int id) {
        return configs.isVoter(id);
    }

    /** Whether this node learns as an observer: not a voter of any config it knows. */
    boolean observer() {
        return configs.isMember(myId) ? !configs.isVoter(myId) : startsAsObserver;
    }

    /** The timeouts (they do not change with the membership). */
    ZabConfig config0() {
        return configs.committed();
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

    /** Appends a record to the history; a reconfig's config is pending from now on. */
    void append(TxnRecord r) {
        history.append(r);
        configs.appended(r);
    }

    /** Cuts the log after {@code zxid} (never below what is committed). */
    void truncate(long zxid) {
        if (zxid < committedZxid) {
            throw new IllegalStateException("server " + myId + ": truncate after " + Zxids.hex(zxid)
                    + " would cut committed txns up to " + Zxids.hex(committedZxid));
        }
        history.truncate(zxid);
        configs.truncated(zxid);
    }

    /**
     * After every input: a reconfig the commit point reached is committed; its configuration decides from now
     * on. A leader that is no voter of it hands off (its last commits are on their way; the voters of the new
     * configuration elect the next leader at once); a learner that was removed steps out; one whose kind changed
     * (observer and participant), or whose leader is no voter of the new configuration, looks for the leader
     * again.
     */
    private void afterInput() {
        configs.committedTo(committedZxid);
        ZabConfig before = knownCommitted;
        ZabConfig now = configs.committed();
        if (now == before) {
            return;
        }
        knownCommitted = now;
        if (now.version() <= before.version()) {
            return; // a snapshot's config no newer than ours (a server being added learns the members without it)
        }
        configDirty = true;
        if (before.isMember(myId) && !configs.isMember(myId)) {
            removed = true; // silent from now on
            becomeLooking();
            return;
        }
        switch (role) {
            case LEADING -> {
                if (!configs.isVoter(myId)) {
                    becomeLooking();
                }
            }
            case FOLLOWING, OBSERVING -> {
                boolean kindChanged = (role == Role.OBSERVING) != observer();
                if (kindChanged || !now.isVoter(leaderId)) {
                    becomeLooking();
                }
            }
            default -> {}
        }
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
        election.restart(initialVote(), !observer());
        broadcastNotification();
    }

    /**
     * A server votes for itself only where the committed config makes it a voter (the candidates
     * {@link Election} accepts): a joiner, or a server a pending reconfig adds or promotes, votes for nobody and
     * takes up a real candidate's vote; so no peer makes it a leader of an ensemble it is not part of yet.
     */
    private Vote initialVote() {
        return new Vote(
                observer() || !configs.committed().isVoter(myId) ? -1 : myId, durableZxid(), epochs.currentEpoch());
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
        changeRole(observer() ? Role.OBSERVING : Role.FOLLOWING, leaderId);
        learner = new Learner(this, leaderId, role == Role.OBSERVING);
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
        ZabConfig c = configs.committed();
        return switch (role) {
            case LOOKING -> new Notification(v.leader(), v.zxid(), v.peerEpoch(), clock, role, c.version(), c.peers());
            case LEADING ->
                new Notification(
                        myId,
                        lastZxid(),
                        leader != null ? leader.notificationEpoch() : epochs.acceptedEpoch(),
                        clock,
                        role,
                        c.version(),
                        c.peers());
            default -> new Notification(leaderId, v.zxid(), v.peerEpoch(), clock, role, c.version(), c.peers());
        };
    }

    private void broadcastNotification() {
        if (removed) {
            return;
        }
        Notification n = myNotification();
        List<ZabConfig> all = configs.all();
        for (int i = 0; i < all.size(); i++) {
            for (Peer p : all.get(i).peers()) {
                if (!p.observer() && p.id() != myId && !votedEarlier(all, i, p.id())) {
                    send(p.id(), n);
                }
            }
        }
        if (role == Role.LOOKING) {
            for (int stranger : election.strangers()) {
                send(stranger, n);
            }
        }
    }

    /** Whether a config before the {@code i}th already names {@code id} a voter (so it was sent to already). */
    private static boolean votedEarlier(List<ZabConfig> all, int i, int id) {
        for (int k = 0; k < i; k++) {
            if (all.get(k).isVoter(id)) {
                return true;
            }
        }
        return false;
    }

    private void onNotification(int from, Notification n) {
        if (role == Role.LOOKING
                && !n.members().isEmpty()
                && n.configVersion() > configs.committed().version()
                && configs.learned(configs.committed().withMembers(n.configVersion(), n.members()))) {
            // a newer committed config (as ZooKeeper's FLE takes one from a notification): our pending reconfigs
            // up to it were committed; a new round under it
            afterInput();
            if (removed || role != Role.LOOKING) {
                return;
            }
            becomeLooking();
        }
        if (role != Role.LOOKING) {
            if (n.state() == Role.LOOKING) {
                send(from, myNotification()); // tell a looking peer who leads
            }
            return;
        }
        if (n.state() != Role.LOOKING) {
            int decided = election.onEstablished(from, n); // the sender is in an established ensemble
            if (decided >= 0) {
                decide(decided);
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
