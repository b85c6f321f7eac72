package io.coordinator.server.zab;

import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.ZabMessage.*;

/**
 * A {@link ZabNode} while it follows or observes one leader: discovery (promising the leader's epoch), sync (DIFF,
 * TRUNC or SNAP, then the leader's history), then broadcast (proposals, commits). Each attempt to sync is a
 * session with a fresh id; a lost or out-of-place stream message starts a new session with the same leader. One
 * instance per leader followed; the node drops it when it changes role.
 */
final class Learner {
    private enum Phase {
        DISCOVERY,
        SYNC,
        BROADCAST
    }

    /** One session with the leader. */
    private final class LearnerSession {
        final long id = node.random.nextLong();
        Phase phase = Phase.DISCOVERY;
        long epoch = -1;
        final ReorderBuffer stream = new ReorderBuffer();
        long lastHeard = node.now;
        final long since = node.now;
        boolean streamStarted;
        long common = -1; // highest zxid known to match the leader's history in this session
        long leaderCommit;
        long newLeaderZxid = -1;
        boolean newLeaderAcked;
        long lastAckSent;
    }

    private final ZabNode node;
    private final int leaderId;
    private final boolean observer; // the kind it joined as; a reconfig that changes it makes the node rejoin
    private LearnerSession ls;

    Learner(ZabNode node, int leaderId, boolean observer) {
        this.node = node;
        this.leaderId = leaderId;
        this.observer = observer;
    }

    /** Starts a (new) session with the leader: FOLLOWERINFO or OBSERVERINFO. */
    void newSession() {
        long heard = ls == null ? node.now : ls.lastHeard;
        node.serving = false; // until this session's UPTODATE
        ls = new LearnerSession();
        ls.lastHeard = heard;
        sendInfo();
    }

    private void send(ZabMessage m) {
        node.send(leaderId, m);
    }

    private void sendInfo() {
        long accepted = node.epochs().acceptedEpoch();
        send(
                observer
                        ? new ObserverInfo(ls.id, accepted, node.durableZxid(), node.appliedZxid)
                        : new FollowerInfo(ls.id, accepted, node.durableZxid(), node.appliedZxid));
    }

    void tick() {
        long now = node.now;
        if (!node.serving && now - ls.since > node.config0().initLimitTicks()) {
            node.becomeLooking();
            return;
        }
        if (now - ls.lastHeard > node.config0().syncLimitTicks()) {
            node.becomeLooking();
            return;
        }
        if (ls.phase == Phase.DISCOVERY) {
            sendInfo();
        } else if (!ls.streamStarted) {
            send(new AckEpoch(ls.id, ls.epoch, node.epochs().currentEpoch(), node.durableZxid()));
        } else if (ls.newLeaderAcked && ls.phase != Phase.BROADCAST) {
            send(new AckNewLeader(ls.id, ls.epoch, ls.newLeaderZxid)); // it may have been lost
        }
        if (ls.stream.lost(now, 2)) {
            newSession(); // a stream message was lost: sync again with the same leader
            return;
        }
        if (ls.phase != Phase.DISCOVERY) {
            send(new Ping(ls.id, ls.epoch, 0, ackable()));
        }
    }

    private long ackable() {
        return ls.newLeaderAcked ? Math.min(node.durableZxid(), ls.common) : 0;
    }

    void onSessionMessage(int from, ZabMessage.Session m) {
        if (from != leaderId || m.session() != ls.id) {
            return;
        }
        if (m instanceof LeaderInfo li) {
            onLeaderInfo(li);
            return;
        }
        if (ls.epoch < 0 || m.epoch() != ls.epoch) {
            return;
        }
        ls.lastHeard = node.now;
        if (m instanceof Ping p) {
            ls.stream.leaderSent(p.seq());
            return;
        }
        if (m instanceof Stream s) {
            if (!ls.stream.offer(s)) {
                return; // duplicate
            }
            for (Stream next = ls.stream.poll(); next != null; next = ls.stream.poll()) {
                ls.streamStarted = true;
                LearnerSession before = ls;
                onStream(next);
                if (ls != before) {
                    return; // the session was restarted
                }
            }
            progress();
        }
    }

    private void onLeaderInfo(LeaderInfo li) {
        if (ls.phase != Phase.DISCOVERY) {
            return; // duplicate
        }
        long e = li.epoch();
        Epochs cur = node.epochs();
        // Never promise one epoch to two leaders: equal is fine only for the leader it was promised to, or if
        // this peer already synced in that epoch, or if it was its own (abandoned) leadership attempt.
        boolean refuse = e < cur.acceptedEpoch()
                || (e == cur.acceptedEpoch()
                        && !(cur.currentEpoch() == e
                                || cur.acceptedFrom() == leaderId
                                || cur.acceptedFrom() == node.myId));
        if (refuse) {
            send(new EpochRefused(ls.id, e, cur.acceptedEpoch()));
            node.becomeLooking();
            return;
        }
        if (Zxids.epochOf(node.lastZxid()) > e) {
            node.becomeLooking();
            return;
        }
        node.setEpochs(new Epochs(e, cur.currentEpoch(), leaderId));
        ls.epoch = e;
        ls.phase = Phase.SYNC;
        ls.lastHeard = node.now;
        send(new AckEpoch(ls.id, e, node.epochs().currentEpoch(), node.durableZxid()));
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
                newSession();
                return;
            }
            syncRecord(p.record());
        } else if (s instanceof Inform i) {
            if (ls.common < 0) {
                newSession();
                return;
            }
            syncRecord(i.record());
            ls.leaderCommit = Math.max(ls.leaderCommit, i.record().zxid());
        } else if (s instanceof Commit c) {
            ls.leaderCommit = Math.max(ls.leaderCommit, c.zxid());
        } else if (s instanceof NewLeader n) {
            onNewLeader(n);
        } else if (s instanceof UpToDate) {
            if (!ls.newLeaderAcked) {
                newSession();
                return;
            }
            ls.phase = Phase.BROADCAST;
            node.serving = true;
        }
    }

    private void startSync(long zxid, boolean diff) {
        long last = node.lastZxid();
        if (zxid < node.appliedZxid || zxid > last || (diff && zxid > node.durableZxid() && zxid != last)) {
            newSession(); // not a point our histories can share: start over
            return;
        }
        if (!diff && !node.hasPoint(zxid)) {
            newSession();
            return;
        }
        ls.common = zxid;
        ls.leaderCommit = Math.max(ls.leaderCommit, 0);
    }

    private void onSnap(Snap s) {
        long z = s.zxid();
        if (z < node.appliedZxid) {
            newSession(); // never move the applied state back
            return;
        }
        if (!node.hasPoint(z)) {
            // our log does not reach the snapshot's zxid, so it holds no committed txn after it: reset it
            if (node.lastZxid() > z) {
                node.truncate(z);
            }
            node.history.continueFrom(z);
        }
        node.history.installSnapshot(z, s.snapshot());
        ZabConfig c = node.config0().withMembers(s.configVersion(), s.members());
        node.configs.installed(z, c);
        node.appliedConfig = c;
        node.appliedZxid = z;
        node.committedZxid = Math.max(node.committedZxid, z);
        ls.common = z;
    }

    /** A record of the leader's history: skip it if the log already has it, else cut what does not match. */
    private void syncRecord(TxnRecord r) {
        long z = r.zxid();
        if (z <= ls.common) {
            return;
        }
        if (node.lastZxid() > ls.common) {
            if (node.history.hasRecord(z)) {
                ls.common = z;
                return;
            }
            node.truncate(ls.common);
        }
        node.append(r);
        ls.common = z;
    }

    private void onNewLeader(NewLeader n) {
        if (ls.common < 0) {
            newSession();
            return;
        }
        if (node.lastZxid() > ls.common) {
            node.truncate(ls.common); // beyond the leader's history
        }
        if (ls.common != n.zxid()) {
            newSession();
            return;
        }
        ls.newLeaderZxid = n.zxid();
    }

    /** After any change: ack NEWLEADER once the synced history is durable, ack proposals, learn commits. */
    void progress() {
        if (ls.newLeaderZxid >= 0 && !ls.newLeaderAcked && node.durableZxid() >= ls.newLeaderZxid) {
            Epochs e = node.epochs();
            if (e.currentEpoch() != ls.epoch) {
                node.setEpochs(new Epochs(Math.max(e.acceptedEpoch(), ls.epoch), ls.epoch, e.acceptedFrom()));
            }
            ls.newLeaderAcked = true;
            ls.lastAckSent = ls.newLeaderZxid;
            send(new AckNewLeader(ls.id, ls.epoch, ls.newLeaderZxid));
        }
        if (ls.common >= 0) {
            long c = PlantedBug.FOLLOWER_APPLIES_UNCOMMITTED ? ls.common : Math.min(ls.leaderCommit, ls.common);
            if (c > node.committedZxid) {
                node.committedZxid = c;
            }
        }
        if (ls.newLeaderAcked) {
            long a = ackable();
            if (a > ls.lastAckSent) {
                ls.lastAckSent = a;
                send(new Ack(ls.id, ls.epoch, a));
            }
        }
    }
}
