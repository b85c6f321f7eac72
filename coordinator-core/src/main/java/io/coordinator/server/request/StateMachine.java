package io.coordinator.server.request;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataTree;

/**
 * The replicated state: the tree and the session table, changed only by applying txns in zxid order. The
 * live pipeline and recovery both go through {@link #apply}, so a restarted server rebuilds exactly the
 * state it had.
 */
public final class StateMachine {
    private final DataTree tree;
    private final SessionTracker sessions;
    /** The ensemble's session-password secret once a SessionSecret txn is applied; null before. Set once. */
    private volatile byte[] sessionSecret;

    public StateMachine(DataTree tree, SessionTracker sessions) {
        this.tree = tree;
        this.sessions = sessions;
    }

    public DataTree tree() {
        return tree;
    }

    public SessionTracker sessions() {
        return sessions;
    }

    /** The replicated session-password secret, or null while no SessionSecret txn has been applied. */
    public byte[] sessionSecret() {
        return sessionSecret;
    }

    /** Restores the secret a snapshot holds (null: none yet). */
    public void restoreSessionSecret(byte[] secret) {
        this.sessionSecret = secret == null ? null : secret.clone();
    }

    public ApplyResult apply(TxnRecord record) {
        Txn txn = record.txn();
        if (txn instanceof Txn.SessionSecret ss && sessionSecret == null) {
            sessionSecret = ss.secret().clone(); // the first wins: every member applies the same sequence
        }
        if (txn instanceof Txn.CreateSession cs) {
            sessions.add(cs.sessionId(), cs.timeout());
        }
        ApplyResult result = tree.apply(record.header(), txn);
        if (txn instanceof Txn.CloseSession close) {
            sessions.remove(close.sessionId());
        }
        return result;
    }

    /**
     * Applies a txn read back from the log during recovery. The snapshot it replays onto is fuzzy (taken
     * while writes went on), so a txn may already be reflected in it; such a txn fails harmlessly here.
     */
    public void replay(TxnRecord record) {
        ApplyResult result = apply(record);
        if (result.err() != Code.OK && !(record.txn() instanceof Txn.Error)) {
            tree.setLastProcessedZxid(Math.max(tree.lastProcessedZxid(), record.zxid()));
        }
    }
}
