package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.LearnerProgress.Sync;
import io.coordinator.server.zab.ZabMessage.*;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link ZabNode} while it leads: discovery (choosing the epoch), syncing each learner, establishment (a quorum
 * acknowledged NEWLEADER), then broadcast and commit. One instance per leadership; the node drops it when it stops
 * leading. It reads and moves the node's shared state (history, epochs, commit point) through the node.
 */
final class Leader {
    private final ZabNode node;
    private final QuorumTracker quorum;
    private final long since; // when this leadership began (for initLimit)

    private final Map<Integer, Long> infos = new HashMap<>(); // voters' accepted epochs (incl. mine)
    private boolean epochChosen;
    private long epoch;
    private final Set<Integer> ackEpochVoters = new HashSet<>();
    private boolean quorumAckEpoch;
    private long initialEnd; // the leader's history at sync: committed once established
    private boolean selfNewLeaderAcked;
    private boolean established;
    private long counter;
    private final Map<Integer, LearnerProgress> learners = new TreeMap<>();

    Leader(ZabNode node) {
        this.node = node;
        this.quorum = new QuorumTracker(node.configs, node.myId);
        this.since = node.now;
    }

    /** Starts discovery with this node's own accepted epoch. */
    void start() {
        infos.put(node.myId, node.epochs().acceptedEpoch());
        maybeChooseEpoch();
    }

    /** The epoch to tell looking peers about: the new one once chosen. */
    long notificationEpoch() {
        return epochChosen ? epoch : node.epochs().acceptedEpoch();
    }

    LearnerProgress learner(int id) {
        return learners.get(id);
    }

    /** Assigns the next zxid to {@code record}'s txn; the caller appends it, then calls {@link #broadcast}. */
    long nextZxid() {
        if (counter >= 0xfffffffeL) {
            // zxid counter about to roll over: a new epoch is needed (as ZooKeeper does)
            node.becomeLooking();
            throw new NotLeaderException("zxid counter exhausted in epoch " + epoch, -1);
        }
        return Zxids.make(epoch, ++counter);
    }

    /** Sends a new proposal to every synced follower. */
    void broadcast(TxnRecord record) {
        for (LearnerProgress h : learners.values()) {
            if (h.synced() && !h.observer) {
                send(h, new Proposal(h.session, epoch, h.nextSeq(), record));
                h.sentUpTo = record.zxid();
            }
        }
    }

    /** More of this node's own history is durable. */
    void persisted() {
        maybeSelfNewLeader();
        maybeCommit();
    }

    private void send(LearnerProgress h, ZabMessage m) {
        node.send(h.id, m);
    }

    private void maybeChooseEpoch() {
        if (epochChosen || !node.configs.quorum(infos.keySet())) {
            return;
        }
        long e = Collections.max(infos.values()) + 1;
        if (e > 0xffffffffL) {
            throw new IllegalStateException("epoch space exhausted");
        }
        epoch = e;
        epochChosen = true;
        node.setEpochs(new Epochs(e, node.epochs().currentEpoch(), node.myId));
        ackEpochVoters.add(node.myId);
        for (LearnerProgress h : learners.values()) {
            send(h, new LeaderInfo(h.session, e));
        }
        maybeQuorumAckEpoch();
    }

    /** A FOLLOWERINFO ({@code observer} false) or OBSERVERINFO of a (new) session. */
    void onLearnerInfo(int from, boolean observer, long session, long acceptedEpoch, long lastZ, long appliedZ) {
        LearnerProgress h = learners.get(from);
        if (h == null || h.session != session) {
            h = new LearnerProgress(from, observer, session, node.now);
            learners.put(from, h);
        }
        h.lastHeard = node.now;
        h.acceptedEpoch = acceptedEpoch;
        h.lastZxid = lastZ;
        h.appliedZxid = appliedZ;
        if (!epochChosen) {
            if (!h.observer) {
                infos.put(from, acceptedEpoch);
                maybeChooseEpoch();
            }
        } else {
            send(h, new LeaderInfo(session, epoch));
        }
    }

    void onSessionMessage(int from, Session m) {
        LearnerProgress h = learners.get(from);
        if (h == null || h.session != m.session() || !epochChosen || m.epoch() != epoch) {
            return;
        }
        h.lastHeard = node.now;
        if (m instanceof AckEpoch a) {
            onAckEpoch(h, a);
        } else if (m instanceof EpochRefused) {
            // this peer promised the epoch elsewhere and can never join it: make room for a higher epoch
            node.becomeLooking();
        } else if (m instanceof AckNewLeader a) {
            if (!h.synced() || h.newLeaderAcked) {
                return;
            }
            h.newLeaderAcked = true;
            h.acked = Math.max(h.acked, a.zxid());
            if (established) {
                sendUpToDate(h);
                maybeCommit();
            } else {
                checkEstablished();
            }
        } else if (m instanceof Ack a) {
            if (h.ack(a.zxid(), node.lastZxid())) {
                maybeCommit();
            }
        } else if (m instanceof Ping p) {
            if (h.ack(p.zxid(), node.lastZxid())) {
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
        Epochs mine = node.epochs();
        boolean ahead = a.currentEpoch() > mine.currentEpoch()
                || (a.currentEpoch() == mine.currentEpoch() && a.lastZxid() > node.lastZxid());
        if (!quorumAckEpoch) {
            if (ahead && !h.observer) {
                node.becomeLooking(); // a follower has a newer history: this leader must not lead
                return;
            }
            if (!h.observer) {
                ackEpochVoters.add(h.id);
            }
            maybeQuorumAckEpoch();
        } else if (ahead && a.currentEpoch() >= epoch) {
            learners.remove(h.id); // impossible for a unique leader of this epoch: refuse it
        } else {
            syncLearner(h);
        }
    }

    private void maybeQuorumAckEpoch() {
        if (quorumAckEpoch || !node.configs.quorum(ackEpochVoters)) {
            return;
        }
        quorumAckEpoch = true;
        initialEnd = node.lastZxid();
        for (LearnerProgress h : learners.values()) {
            if (h.ackedEpoch && !h.synced()) {
                syncLearner(h);
            }
        }
        maybeSelfNewLeader();
    }

    /** Brings a learner to this leader's history: DIFF, TRUNC (lazy) or SNAP, the txns, NEWLEADER. */
    private void syncLearner(LearnerProgress h) {
        History history = node.history;
        long leaderLast = history.lastZxid();
        Sync sync = LearnerProgress.planSync(
                h.ackZxid, h.appliedZxid, leaderLast, history::hasRecord, history::lastOfEpochAtOrBefore);
        long from = sync.from();
        switch (sync.mode()) {
            case DIFF -> send(h, new Diff(h.session, epoch, h.nextSeq(), from));
            case TRUNC -> send(h, new Trunc(h.session, epoch, h.nextSeq(), from));
            case SNAP -> {
                from = node.state.appliedZxid();
                send(h, snap(h, from));
            }
        }
        long last = from;
        while (true) {
            List<TxnRecord> batch = history.read(last, History.READ_CHUNK);
            if (batch.isEmpty()) {
                break;
            }
            for (TxnRecord r : batch) {
                send(h, new Proposal(h.session, epoch, h.nextSeq(), r));
                last = r.zxid();
            }
        }
        if (last != leaderLast) {
            throw new IllegalStateException("server " + node.myId + ": the log ends at " + Zxids.hex(last)
                    + ", expected " + Zxids.hex(leaderLast));
        }
        if (node.committedZxid > from) {
            send(h, new Commit(h.session, epoch, h.nextSeq(), node.committedZxid));
        }
        send(h, new NewLeader(h.session, epoch, h.nextSeq(), leaderLast));
        h.syncMode = sync.mode();
        h.sentUpTo = leaderLast;
    }

    private void maybeSelfNewLeader() {
        if (!quorumAckEpoch || selfNewLeaderAcked || node.durableZxid() < initialEnd) {
            return;
        }
        Epochs e = node.epochs();
        node.setEpochs(new Epochs(Math.max(e.acceptedEpoch(), epoch), epoch, e.acceptedFrom()));
        selfNewLeaderAcked = true;
        checkEstablished();
    }

    private void checkEstablished() {
        if (established || !selfNewLeaderAcked || !quorum.newLeaderAcked(learners.values())) {
            return;
        }
        established = true;
        node.serving = true;
        if (initialEnd > node.committedZxid) {
            node.committedZxid = initialEnd;
        }
        for (LearnerProgress h : learners.values()) {
            if (h.newLeaderAcked) {
                sendUpToDate(h);
            }
        }
        maybeCommit();
    }

    private void sendUpToDate(LearnerProgress h) {
        long committed = node.committedZxid;
        send(h, new Commit(h.session, epoch, h.nextSeq(), Math.min(committed, h.sentUpTo)));
        if (h.observer && committed > h.sentUpTo) {
            informObserver(h, committed);
        }
        send(h, new UpToDate(h.session, epoch, h.nextSeq()));
    }

    private void maybeCommit() {
        if (!established) {
            return;
        }
        long durableOnQuorum = quorum.durableOnQuorum(node.durableZxid(), learners.values());
        if (durableOnQuorum < 0) {
            return;
        }
        long c = Math.min(durableOnQuorum, node.lastZxid());
        if (c <= node.committedZxid) {
            return;
        }
        long previous = node.committedZxid;
        node.committedZxid = c;
        for (LearnerProgress h : learners.values()) {
            if (!h.synced() || !h.newLeaderAcked) {
                continue; // the UPTODATE path sends it the commit point
            }
            if (!h.observer) {
                send(h, new Commit(h.session, epoch, h.nextSeq(), c));
            } else {
                if (h.sentUpTo > previous) {
                    send(h, new Commit(h.session, epoch, h.nextSeq(), Math.min(c, h.sentUpTo)));
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
        if (!node.history.hasRecord(from) && from < node.state.appliedZxid()) {
            // the log no longer reaches back to where this observer is: send it a snapshot first
            from = node.state.appliedZxid();
            send(h, snap(h, from));
        }
        for (TxnRecord r : node.history.readRange(from, upTo)) {
            send(h, new Inform(h.session, epoch, h.nextSeq(), r));
        }
        h.sentUpTo = upTo;
    }

    /** A snapshot of the applied state at {@code zxid}, with the configuration as of it. */
    private Snap snap(LearnerProgress h, long zxid) {
        ZabConfig c = node.appliedConfig;
        return new Snap(h.session, epoch, h.nextSeq(), zxid, node.state.snapshot(), c.version(), c.peers());
    }

    /**
     * Whether the voters of {@code next} synced with this leader are a quorum of it (ZooKeeper refuses a reconfig
     * with NEWCONFIGNOQUORUM otherwise): this leader if it is one, and the followers that acknowledged NEWLEADER
     * and were heard from within syncLimit. Not a follower that the committed config made an observer: it may
     * still be connected as the follower it was, but once it learns the commit (or restarts) it is an observer in
     * its own view, and an observer neither acknowledges nor votes, so a config whose quorum needs it could never
     * commit nor elect a leader (as in ZooKeeper, promoting it back needs it to leave and join as a participant).
     */
    boolean quorumSynced(ZabConfig next) {
        ZabConfig committed = node.configs.committed();
        int n = next.isVoter(node.myId) ? 1 : 0;
        for (LearnerProgress h : learners.values()) {
            if (h.countsForQuorum()
                    && !(committed.isMember(h.id) && !committed.isVoter(h.id))
                    && next.isVoter(h.id)
                    && node.now - h.lastHeard <= node.config0().syncLimitTicks()) {
                n++;
            }
        }
        return next.reached(n);
    }

    void tick() {
        long now = node.now;
        ZabConfig config = node.config0();
        if (!established) {
            if (now - since > config.initLimitTicks()) {
                node.becomeLooking();
                return;
            }
        } else if (!quorum.heardFrom(learners.values(), now, config.syncLimitTicks())) {
            node.becomeLooking(); // lost the quorum: step down, no split brain
            return;
        }
        learners.values().removeIf(h -> h.expired(now, config.syncLimitTicks(), config.initLimitTicks()));
        for (LearnerProgress h : learners.values()) {
            if (epochChosen && h.ackedEpoch) {
                send(h, new Ping(h.session, epoch, h.lastSeq(), node.committedZxid));
            }
        }
    }
}
