package io.coordinator.server.zab;

/** A proposal was made to a node that is not a serving leader. */
public class NotLeaderException extends RuntimeException {
    private final int leaderId;

    public NotLeaderException(String message, int leaderId) {
        super(message);
        this.leaderId = leaderId;
    }

    /** The leader this node knows of, or -1. */
    public int leaderId() {
        return leaderId;
    }
}
