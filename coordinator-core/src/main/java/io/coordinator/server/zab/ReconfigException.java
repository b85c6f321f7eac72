package io.coordinator.server.zab;

/** A reconfig the leader refuses, with ZooKeeper's reason (the request layer maps it to the error code). */
public final class ReconfigException extends RuntimeException {
    /** Why: ZooKeeper's RECONFIGINPROGRESS, BADVERSION, NEWCONFIGNOQUORUM, BADARGUMENTS. */
    public enum Reason {
        IN_PROGRESS,
        BAD_VERSION,
        NO_QUORUM,
        INVALID
    }

    private final Reason reason;

    public ReconfigException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
