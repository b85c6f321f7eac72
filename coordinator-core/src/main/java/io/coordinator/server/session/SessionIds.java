package io.coordinator.server.session;

/**
 * Makes session ids the way ZooKeeper does: the server id in the top byte, then time bits, then a counter.
 * Ids are never 0 or Long.MIN_VALUE, and with a server id <= 254 the top byte is never 0xFF (TTL marker).
 */
public final class SessionIds {
    private long next;

    /** @param startMillis a wall-clock time read once at startup, so ids differ across restarts */
    public SessionIds(int serverId, long startMillis) {
        if (serverId < 0 || serverId > 254) {
            throw new IllegalArgumentException("server id must be in 0..254, was " + serverId);
        }
        long base = (startMillis << 24) >>> 8;
        next = base | ((long) serverId << 56);
        if (next == 0 || next == Long.MIN_VALUE) {
            next++;
        }
    }

    public long next() {
        long id = next++;
        if (next == 0 || next == Long.MIN_VALUE) {
            next++;
        }
        return id;
    }

    /** Skips past an id seen elsewhere (e.g. in recovered state) so it is never handed out again. */
    public void observe(long id) {
        if ((id >>> 56) == (next >>> 56) && id >= next) {
            next = id + 1;
        }
    }
}
