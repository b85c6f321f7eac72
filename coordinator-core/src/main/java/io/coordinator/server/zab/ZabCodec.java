package io.coordinator.server.zab;

import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.ZabMessage.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link ZabMessage}s in jute style: an int type, then the fields big-endian. A frame that is
 * truncated, has trailing bytes, an unknown type or an invalid field throws {@link ProtocolException}.
 */
public final class ZabCodec {
    static final int NOTIFICATION = 1;
    static final int FOLLOWERINFO = 2;
    static final int OBSERVERINFO = 3;
    static final int LEADERINFO = 4;
    static final int ACKEPOCH = 5;
    static final int DIFF = 6;
    static final int TRUNC = 7;
    static final int SNAP = 8;
    static final int PROPOSAL = 9;
    static final int COMMIT = 10;
    static final int INFORM = 11;
    static final int NEWLEADER = 12;
    static final int UPTODATE = 13;
    static final int ACKNEWLEADER = 14;
    static final int ACK = 15;
    static final int PING = 16;
    static final int EPOCHREFUSED = 17;

    private static final Role[] ROLES = Role.values();
    static final int MAX_MEMBERS = 1024; // an ensemble is a handful of servers: a bound for hostile input

    private ZabCodec() {}

    public static byte[] encode(ZabMessage m) {
        JuteWriter w = new JuteWriter(64);
        if (m instanceof Notification n) {
            w.writeInt(NOTIFICATION)
                    .writeInt(n.leader())
                    .writeLong(n.zxid())
                    .writeLong(n.peerEpoch())
                    .writeLong(n.electionEpoch())
                    .writeInt(n.state().ordinal());
            writeMembers(w, n.configVersion(), n.members());
        } else if (m instanceof LearnerInfo l) {
            w.writeInt(l instanceof ObserverInfo ? OBSERVERINFO : FOLLOWERINFO)
                    .writeLong(l.session())
                    .writeLong(l.acceptedEpoch())
                    .writeLong(l.lastZxid())
                    .writeLong(l.appliedZxid());
        } else if (m instanceof LeaderInfo l) {
            w.writeInt(LEADERINFO).writeLong(l.session()).writeLong(l.epoch());
        } else if (m instanceof AckEpoch a) {
            w.writeInt(ACKEPOCH)
                    .writeLong(a.session())
                    .writeLong(a.epoch())
                    .writeLong(a.currentEpoch())
                    .writeLong(a.lastZxid());
        } else if (m instanceof EpochRefused r) {
            w.writeInt(EPOCHREFUSED).writeLong(r.session()).writeLong(r.epoch()).writeLong(r.acceptedEpoch());
        } else if (m instanceof Diff d) {
            stream(w, DIFF, d).writeLong(d.zxid());
        } else if (m instanceof Trunc t) {
            stream(w, TRUNC, t).writeLong(t.zxid());
        } else if (m instanceof Snap s) {
            stream(w, SNAP, s).writeLong(s.zxid()).writeBuffer(s.snapshot());
            writeMembers(w, s.configVersion(), s.members());
        } else if (m instanceof Proposal p) {
            stream(w, PROPOSAL, p).write(p.record());
        } else if (m instanceof Commit c) {
            stream(w, COMMIT, c).writeLong(c.zxid());
        } else if (m instanceof Inform i) {
            stream(w, INFORM, i).write(i.record());
        } else if (m instanceof NewLeader n) {
            stream(w, NEWLEADER, n).writeLong(n.zxid());
        } else if (m instanceof UpToDate u) {
            stream(w, UPTODATE, u);
        } else if (m instanceof AckNewLeader a) {
            w.writeInt(ACKNEWLEADER).writeLong(a.session()).writeLong(a.epoch()).writeLong(a.zxid());
        } else if (m instanceof Ack a) {
            w.writeInt(ACK).writeLong(a.session()).writeLong(a.epoch()).writeLong(a.zxid());
        } else if (m instanceof Ping p) {
            w.writeInt(PING)
                    .writeLong(p.session())
                    .writeLong(p.epoch())
                    .writeLong(p.seq())
                    .writeLong(p.zxid());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        return w.toByteArray();
    }

    private static void writeMembers(JuteWriter w, long version, List<Peer> members) {
        w.writeLong(version).writeInt(members.size());
        for (Peer p : members) {
            w.writeInt(p.id()).writeBool(p.observer());
        }
    }

    /** A configuration: its version and members; none (empty) only where {@code optional}. */
    private static List<Peer> readMembers(JuteReader in, long version, boolean optional) {
        int n = in.readVectorSize();
        if (n < (optional ? 0 : 1) || n > MAX_MEMBERS) {
            throw new ProtocolException("a configuration of " + n + " members");
        }
        List<Peer> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new Peer(in.readInt(), in.readBool()));
        }
        if (version < 0
                || (n > 0 && members.stream().allMatch(Peer::observer))
                || members.stream().map(Peer::id).distinct().count() != n) {
            throw new ProtocolException("an invalid configuration " + members);
        }
        return members;
    }

    private static JuteWriter stream(JuteWriter w, int type, Stream s) {
        return w.writeInt(type).writeLong(s.session()).writeLong(s.epoch()).writeLong(s.seq());
    }

    public static ZabMessage decode(byte[] frame) {
        if (frame == null) {
            throw new ProtocolException("null frame");
        }
        JuteReader in = new JuteReader(frame);
        ZabMessage m;
        try {
            m = read(in);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProtocolException("malformed quorum message: " + e);
        }
        if (in.hasRemaining()) {
            throw new ProtocolException(
                    in.remaining() + " trailing bytes after " + m.getClass().getSimpleName());
        }
        return m;
    }

    private static ZabMessage read(JuteReader in) {
        int type = in.readInt();
        switch (type) {
            case NOTIFICATION: {
                int leader = in.readInt();
                long zxid = in.readLong();
                long peerEpoch = in.readLong();
                long electionEpoch = in.readLong();
                int state = in.readInt();
                if (state < 0 || state >= ROLES.length) {
                    throw new ProtocolException("unknown peer state " + state);
                }
                long configVersion = in.readLong();
                List<Peer> members = readMembers(in, configVersion, true);
                return new Notification(leader, zxid, peerEpoch, electionEpoch, ROLES[state], configVersion, members);
            }
            case FOLLOWERINFO:
                return new FollowerInfo(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case OBSERVERINFO:
                return new ObserverInfo(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case LEADERINFO:
                return new LeaderInfo(in.readLong(), in.readLong());
            case ACKEPOCH:
                return new AckEpoch(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case EPOCHREFUSED:
                return new EpochRefused(in.readLong(), in.readLong(), in.readLong());
            case DIFF:
                return new Diff(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case TRUNC:
                return new Trunc(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case SNAP: {
                long session = in.readLong();
                long epoch = in.readLong();
                long seq = in.readLong();
                long zxid = in.readLong();
                byte[] data = in.readBuffer();
                if (data == null) {
                    throw new ProtocolException("SNAP without a snapshot");
                }
                long configVersion = in.readLong();
                List<Peer> members = readMembers(in, configVersion, false);
                return new Snap(session, epoch, seq, zxid, data, configVersion, members);
            }
            case PROPOSAL:
                return new Proposal(in.readLong(), in.readLong(), in.readLong(), TxnRecord.read(in));
            case COMMIT:
                return new Commit(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case INFORM:
                return new Inform(in.readLong(), in.readLong(), in.readLong(), TxnRecord.read(in));
            case NEWLEADER:
                return new NewLeader(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case UPTODATE:
                return new UpToDate(in.readLong(), in.readLong(), in.readLong());
            case ACKNEWLEADER:
                return new AckNewLeader(in.readLong(), in.readLong(), in.readLong());
            case ACK:
                return new Ack(in.readLong(), in.readLong(), in.readLong());
            case PING:
                return new Ping(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            default:
                throw new ProtocolException("unknown quorum message type " + type);
        }
    }
}
