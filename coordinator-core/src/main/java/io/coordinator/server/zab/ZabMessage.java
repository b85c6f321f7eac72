package io.coordinator.server.zab;

import io.coordinator.server.protocol.TxnRecord;
import java.util.List;

/**
 * Every message between peers. The transport may lose, duplicate, delay or reorder them; the core stays safe.
 *
 * <p>Election: {@link Notification}. Discovery: {@link FollowerInfo} / {@link ObserverInfo} (carrying a fresh
 * {@code session} id chosen by the learner for this attempt), {@link LeaderInfo}, {@link AckEpoch}. Everything the
 * leader then sends a learner is a {@link Stream} message numbered {@code seq} 1, 2, 3... within the session,
 * which the learner processes strictly in order (buffering reordered ones, restarting the session on a gap):
 * {@link Diff} / {@link Trunc} / {@link Snap}, then the history as {@link Proposal}s, {@link Commit},
 * {@link NewLeader}, {@link UpToDate}, then {@link Proposal} / {@link Commit} (followers) or {@link Inform}
 * (observers). Learner to leader: {@link AckNewLeader}, {@link Ack} (cumulative: durable up to zxid).
 * {@link Ping} both ways.
 */
public sealed interface ZabMessage {

    /** Messages of an established leader-learner session. */
    sealed interface Session extends ZabMessage {
        long session();

        long epoch();
    }

    /** Leader-to-learner messages that must be processed in {@code seq} order. */
    sealed interface Stream extends Session {
        long seq();
    }

    /**
     * Fast leader election: the sender's current vote and state, in its logical clock {@code electionEpoch}, and
     * (as ZooKeeper's notifications carry it) its committed configuration: {@code configVersion} and
     * {@code members} (empty: not told). A looking peer that learns of a newer committed config takes it.
     */
    record Notification(
            int leader,
            long zxid,
            long peerEpoch,
            long electionEpoch,
            Role state,
            long configVersion,
            List<Peer> members)
            implements ZabMessage {
        public Notification {
            members = List.copyOf(members);
        }

        /** A notification that tells no configuration. */
        public Notification(int leader, long zxid, long peerEpoch, long electionEpoch, Role state) {
            this(leader, zxid, peerEpoch, electionEpoch, state, 0, List.of());
        }
    }

    /** A learner's discovery request: its accepted epoch, last durable zxid and last applied (committed) zxid. */
    sealed interface LearnerInfo extends ZabMessage {
        long session();

        long acceptedEpoch();

        long lastZxid();

        long appliedZxid();
    }

    /** The follower's {@link LearnerInfo}. */
    record FollowerInfo(long session, long acceptedEpoch, long lastZxid, long appliedZxid) implements LearnerInfo {}

    /** The observer's {@link LearnerInfo}. */
    record ObserverInfo(long session, long acceptedEpoch, long lastZxid, long appliedZxid) implements LearnerInfo {}

    /** The leader's new epoch. */
    record LeaderInfo(long session, long epoch) implements Session {}

    /** The learner promised {@code epoch}; its currentEpoch and last durable zxid at that moment. */
    record AckEpoch(long session, long epoch, long currentEpoch, long lastZxid) implements Session {}

    /** The learner cannot promise {@code epoch} (it promised it, or a later one, to another leader): the leader
     * steps down so that a new election picks a higher epoch. */
    record EpochRefused(long session, long epoch, long acceptedEpoch) implements Session {}

    /** Sync: the learner's log matches the leader's through {@code zxid}; the leader's txns after it follow. */
    record Diff(long session, long epoch, long seq, long zxid) implements Stream {}

    /** Sync: histories agree through {@code zxid}; whatever the learner has after it that the following txns do not
     * confirm is cut. */
    record Trunc(long session, long epoch, long seq, long zxid) implements Stream {}

    /**
     * Sync: install this snapshot of the leader's applied state at {@code zxid}; the txns after it follow. The
     * configuration as of {@code zxid} comes with it ({@code configVersion}, {@code members}): the state machine's
     * bytes are opaque to the core, and a learner must never go on with a configuration older than its state.
     */
    record Snap(long session, long epoch, long seq, long zxid, byte[] snapshot, long configVersion, List<Peer> members)
            implements Stream {
        public Snap {
            members = List.copyOf(members);
        }
    }

    /** A txn of the leader's history (during sync) or a new proposal (broadcast). */
    record Proposal(long session, long epoch, long seq, TxnRecord record) implements Stream {}

    /** Everything up to {@code zxid} is committed (cumulative). */
    record Commit(long session, long epoch, long seq, long zxid) implements Stream {}

    /** To observers: a committed txn (proposal and commit in one). */
    record Inform(long session, long epoch, long seq, TxnRecord record) implements Stream {}

    /** End of sync: the leader's history ends at {@code zxid}; ack once it is durable and the epoch is current. */
    record NewLeader(long session, long epoch, long seq, long zxid) implements Stream {}

    /** The leader is established and the learner synced: it may serve clients. */
    record UpToDate(long session, long epoch, long seq) implements Stream {}

    /** The learner's history through {@code zxid} is durable and its currentEpoch is {@code epoch}. */
    record AckNewLeader(long session, long epoch, long zxid) implements Session {}

    /** The learner's log is durable through {@code zxid} (cumulative). */
    record Ack(long session, long epoch, long zxid) implements Session {}

    /**
     * Liveness. Leader to learner: {@code seq} = the last stream seq sent (so a lost tail is noticed),
     * {@code zxid} = committed zxid. Learner to leader: {@code seq} = 0, {@code zxid} = its acknowledged zxid.
     */
    record Ping(long session, long epoch, long seq, long zxid) implements Session {}
}
