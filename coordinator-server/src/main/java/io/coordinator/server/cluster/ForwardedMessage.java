package io.coordinator.server.cluster;

import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.ZkException;
import java.util.ArrayList;
import java.util.List;

/**
 * What learners and the leader tell each other beside ZAB itself: client writes forwarded to the leader,
 * the sessions a learner's clients kept alive, and sync barriers. Each is one frame on the quorum
 * transport, tagged so it cannot be mistaken for a ZAB message.
 */
public sealed interface ForwardedMessage {
    byte TAG_ZAB = 0;
    byte TAG_REQUEST = 1;
    byte TAG_TOUCH = 2;
    byte TAG_SYNC = 3;
    byte TAG_SYNC_DONE = 4;
    byte TAG_CREATE_SESSION = 5;
    /** Not a message: a batch of frames to one peer, each as [int length][frame] (see EnsembleDriver). */
    byte TAG_BATCH = 6;

    /**
     * A client write (or closeSession) for the leader to prepare, with the client's identities; sent while the
     * learner followed the leadership of {@code epoch} (a leader drops what another leadership was sent).
     */
    record Request(long epoch, long sessionId, int cxid, int type, Requests.Body body, List<Id> authIds)
            implements ForwardedMessage {}

    /** A client of a learner asked for a new session (the learner chose its id) under {@code epoch}. */
    record CreateSession(long epoch, long sessionId, int timeoutMs) implements ForwardedMessage {}

    /** Sessions that showed life on a learner since its last touch message. */
    record Touch(List<Long> sessionIds) implements ForwardedMessage {}

    /** A client's sync: the leader answers with the last zxid it proposed. */
    record Sync(long sessionId, int cxid) implements ForwardedMessage {}

    /** The sync may be answered once the learner has applied {@code zxid}. */
    record SyncDone(long sessionId, int cxid, long zxid) implements ForwardedMessage {}

    static byte[] encode(ForwardedMessage m) {
        JuteWriter w = new JuteWriter();
        if (m instanceof Request r) {
            w.writeByte(TAG_REQUEST)
                    .writeLong(r.epoch())
                    .writeLong(r.sessionId())
                    .writeInt(r.cxid())
                    .writeInt(r.type());
            w.writeInt(r.authIds().size());
            for (Id id : r.authIds()) {
                id.write(w);
            }
            Requests.encode(r.type(), r.body(), w);
        } else if (m instanceof CreateSession cs) {
            w.writeByte(TAG_CREATE_SESSION)
                    .writeLong(cs.epoch())
                    .writeLong(cs.sessionId())
                    .writeInt(cs.timeoutMs());
        } else if (m instanceof Touch t) {
            w.writeByte(TAG_TOUCH).writeInt(t.sessionIds().size());
            for (long id : t.sessionIds()) {
                w.writeLong(id);
            }
        } else if (m instanceof Sync s) {
            w.writeByte(TAG_SYNC).writeLong(s.sessionId()).writeInt(s.cxid());
        } else if (m instanceof SyncDone d) {
            w.writeByte(TAG_SYNC_DONE)
                    .writeLong(d.sessionId())
                    .writeInt(d.cxid())
                    .writeLong(d.zxid());
        }
        return w.toByteArray();
    }

    /**
     * Decodes a frame whose first byte is not {@link #TAG_ZAB}.
     *
     * @throws ProtocolException if the frame is truncated, has an unknown tag or type, a bad count, or bytes after
     *     the message
     */
    static ForwardedMessage decode(byte[] frame) {
        JuteReader in = new JuteReader(frame);
        ForwardedMessage m = decode(in);
        if (in.remaining() != 0) {
            // a frame is exactly one message: bytes after it mean sender and receiver disagree on the format
            throw new ProtocolException(in.remaining() + " trailing bytes after a forwarded message");
        }
        return m;
    }

    private static ForwardedMessage decode(JuteReader in) {
        byte tag = in.readByte();
        switch (tag) {
            case TAG_REQUEST: {
                long epoch = in.readLong();
                long sessionId = in.readLong();
                int cxid = in.readInt();
                int type = in.readInt();
                int n = in.readVectorSize();
                List<Id> ids = new ArrayList<>(Math.max(n, 0));
                for (int i = 0; i < n; i++) {
                    ids.add(Id.read(in));
                }
                Requests.Body body;
                try {
                    body = Requests.decode(type, in);
                } catch (ZkException e) {
                    // an opcode no client request has: a malformed frame, not a client's error to answer
                    throw new ProtocolException("forwarded request of unknown type " + type);
                }
                return new Request(epoch, sessionId, cxid, type, body, List.copyOf(ids));
            }
            case TAG_TOUCH: {
                int n = in.readInt();
                if (n < 0 || n > in.remaining() / 8) {
                    throw new ProtocolException("bad session count " + n);
                }
                List<Long> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(in.readLong());
                }
                return new Touch(ids);
            }
            case TAG_CREATE_SESSION:
                return new CreateSession(in.readLong(), in.readLong(), in.readInt());
            case TAG_SYNC:
                return new Sync(in.readLong(), in.readInt());
            case TAG_SYNC_DONE:
                return new SyncDone(in.readLong(), in.readInt(), in.readLong());
            default:
                throw new ProtocolException("unknown forwarded message tag " + tag);
        }
    }
}
