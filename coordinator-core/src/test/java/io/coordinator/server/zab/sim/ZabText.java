package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.Epochs;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabMessage.*;
import io.coordinator.server.zab.Zxids;

/**
 * How the ZAB scripts print things: zxids as {@code epoch.counter} (0 for none), messages by type with the fields
 * that matter to a reader (learner sessions are left out: they are random ids), stream messages with their
 * sequence number as {@code #n}.
 */
public final class ZabText {
    private ZabText() {}

    public static String zxid(long z) {
        return z <= 0 ? Long.toString(z) : Zxids.epochOf(z) + "." + Zxids.counterOf(z);
    }

    /** Parses {@code epoch.counter} or a plain number. */
    public static long parseZxid(String s) {
        int dot = s.indexOf('.');
        return dot < 0
                ? Long.parseLong(s)
                : Zxids.make(Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
    }

    public static String epochs(Epochs e) {
        return "epochs=" + e.acceptedEpoch() + "/" + e.currentEpoch();
    }

    static String record(TxnRecord r) {
        Txn t = r.txn();
        String what = t instanceof Txn.Create c
                ? "create " + c.path()
                : t instanceof Txn.Reconfig rc
                        ? "reconfig [" + SimConfigs.describe(ZabConfig.parseMembers(rc)) + "]"
                        : t.getClass().getSimpleName();
        return zxid(r.zxid()) + " " + what;
    }

    public static String message(ZabMessage m) {
        if (m instanceof Notification n) {
            return "Notification " + n.state() + " vote=" + n.leader() + " zxid=" + zxid(n.zxid()) + " epoch="
                    + n.peerEpoch() + " round=" + n.electionEpoch();
        } else if (m instanceof FollowerInfo f) {
            return "FollowerInfo accepted=" + f.acceptedEpoch() + " last=" + zxid(f.lastZxid()) + " applied="
                    + zxid(f.appliedZxid());
        } else if (m instanceof ObserverInfo o) {
            return "ObserverInfo accepted=" + o.acceptedEpoch() + " last=" + zxid(o.lastZxid()) + " applied="
                    + zxid(o.appliedZxid());
        } else if (m instanceof LeaderInfo l) {
            return "LeaderInfo epoch=" + l.epoch();
        } else if (m instanceof AckEpoch a) {
            return "AckEpoch epoch=" + a.epoch() + " current=" + a.currentEpoch() + " last=" + zxid(a.lastZxid());
        } else if (m instanceof EpochRefused r) {
            return "EpochRefused epoch=" + r.epoch() + " accepted=" + r.acceptedEpoch();
        } else if (m instanceof Diff d) {
            return "Diff #" + d.seq() + " " + zxid(d.zxid());
        } else if (m instanceof Trunc t) {
            return "Trunc #" + t.seq() + " " + zxid(t.zxid());
        } else if (m instanceof Snap s) {
            return "Snap #" + s.seq() + " " + zxid(s.zxid())
                    + (s.configVersion() == 0
                            ? ""
                            : " config " + zxid(s.configVersion()) + " [" + SimConfigs.describe(s.members()) + "]");
        } else if (m instanceof Proposal p) {
            return "Proposal #" + p.seq() + " " + record(p.record());
        } else if (m instanceof Commit c) {
            return "Commit #" + c.seq() + " " + zxid(c.zxid());
        } else if (m instanceof Inform i) {
            return "Inform #" + i.seq() + " " + record(i.record());
        } else if (m instanceof NewLeader n) {
            return "NewLeader #" + n.seq() + " " + zxid(n.zxid());
        } else if (m instanceof UpToDate u) {
            return "UpToDate #" + u.seq();
        } else if (m instanceof AckNewLeader a) {
            return "AckNewLeader " + zxid(a.zxid());
        } else if (m instanceof Ack a) {
            return "Ack " + zxid(a.zxid());
        } else if (m instanceof Ping p) {
            return "Ping #" + p.seq() + " " + zxid(p.zxid());
        }
        throw new IllegalArgumentException("unknown message " + m);
    }

    static String envelope(ScriptedCluster.Envelope e) {
        return e.from() + "->" + e.to() + " " + message(e.message());
    }
}
