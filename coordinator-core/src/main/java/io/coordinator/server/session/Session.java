package io.coordinator.server.session;

/** A client session as the tracker knows it. Mutable only by {@link SessionTracker}. */
public final class Session {
    private final long id;
    private final int timeoutMs;
    private long expiresAtTick;
    private boolean closing;

    Session(long id, int timeoutMs) {
        this.id = id;
        this.timeoutMs = timeoutMs;
    }

    public long id() {
        return id;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    /** The first tick at which the session is expired unless touched again. */
    public long expiresAtTick() {
        return expiresAtTick;
    }

    /** True once a close or expiry has been decided: no further requests are accepted. */
    public boolean isClosing() {
        return closing;
    }

    void expiresAt(long tick) {
        this.expiresAtTick = tick;
    }

    void markClosing() {
        closing = true;
    }
}
