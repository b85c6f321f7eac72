package io.coordinator.server.zab;

import java.util.function.LongBinaryOperator;
import java.util.function.LongPredicate;

/**
 * The leader's view of one learner in one session, as etcd-io/raft's {@code tracker/progress.go}: what it told
 * the leader at discovery, how it is being synced, what it was sent and what it has acknowledged.
 */
final class LearnerProgress {
    /** How a learner is brought to the leader's history (ZooKeeper's DIFF, TRUNC and SNAP syncs). */
    enum SyncMode {
        DIFF,
        TRUNC,
        SNAP
    }

    /** A sync: its mode and the zxid the learner's history continues from (-1 for SNAP: the snapshot's zxid). */
    record Sync(SyncMode mode, long from) {}

    final int id;
    final boolean observer;
    final long session;
    long lastHeard;
    long acceptedEpoch;
    long lastZxid;
    long appliedZxid;
    boolean ackedEpoch;
    long currentEpoch;
    long ackZxid; // where its durable history ends (ACKEPOCH)
    SyncMode syncMode; // null until its sync is sent
    long sentUpTo; // the last record it was sent
    boolean newLeaderAcked;
    long acked; // the highest zxid it acknowledged as durable
    private long seq; // the last stream sequence number sent to it

    LearnerProgress(int id, boolean observer, long session, long now) {
        this.id = id;
        this.observer = observer;
        this.session = session;
        this.lastHeard = now;
    }

    /** The sequence number of the next stream message to it. */
    long nextSeq() {
        return ++seq;
    }

    /** The sequence number of the last stream message sent to it (PINGs carry it so gaps show). */
    long lastSeq() {
        return seq;
    }

    /** Its sync was sent: it gets the new proposals. */
    boolean synced() {
        return syncMode != null;
    }

    /** Whether it is a voter whose acks count towards commits (it acknowledged NEWLEADER). */
    boolean countsForQuorum() {
        return !observer && newLeaderAcked;
    }

    /**
     * An ACK (or a PING's durable zxid) of {@code zxid}, capped at the leader's last zxid; true if it moved what
     * this learner acknowledged (the leader then checks its commit point).
     */
    boolean ack(long zxid, long leaderLast) {
        if (!newLeaderAcked || zxid <= acked) {
            return false;
        }
        acked = Math.min(zxid, leaderLast);
        return true;
    }

    /** Whether the leader heard from it too long ago: syncLimit, or initLimit while it is still syncing. */
    boolean expired(long now, int syncLimitTicks, int initLimitTicks) {
        return now - lastHeard > Math.max(syncLimitTicks, synced() ? 0 : initLimitTicks);
    }

    /**
     * How to sync a learner whose durable history ends at {@code ackZxid}: DIFF if the leader holds that point,
     * else TRUNC to the latest point both provably share (its applied zxid, or the leader's last record of the
     * learner's epoch at or before it), else SNAP.
     *
     * @param hasRecord whether the leader's history holds a record with this zxid
     * @param lastOfEpochAtOrBefore (epoch, zxid) -> the leader's last record of that epoch at or before zxid, or -1
     */
    static Sync planSync(
            long ackZxid,
            long appliedZxid,
            long leaderLast,
            LongPredicate hasRecord,
            LongBinaryOperator lastOfEpochAtOrBefore) {
        if (ackZxid == leaderLast || hasRecord.test(ackZxid)) {
            return new Sync(SyncMode.DIFF, ackZxid);
        }
        long p = -1;
        if (appliedZxid > 0 && hasRecord.test(appliedZxid)) {
            p = appliedZxid;
        }
        long sameEpoch = lastOfEpochAtOrBefore.applyAsLong(Zxids.epochOf(ackZxid), ackZxid);
        if (sameEpoch > p) {
            p = sameEpoch;
        }
        return p > 0 ? new Sync(SyncMode.TRUNC, p) : new Sync(SyncMode.SNAP, -1);
    }
}
