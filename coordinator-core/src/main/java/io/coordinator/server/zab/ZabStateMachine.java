package io.coordinator.server.zab;

/** The applied state (tree + sessions), owned by the driver; it only ever holds committed, durable txns. */
public interface ZabStateMachine {
    /** The zxid of the last applied txn (or of the installed snapshot). */
    long appliedZxid();

    /** The state serialized at {@link #appliedZxid()}, for SNAP sync. */
    byte[] snapshot();
}
