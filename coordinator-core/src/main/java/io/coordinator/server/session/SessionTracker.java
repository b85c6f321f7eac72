package io.coordinator.server.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The session table with expiry by ticks. Time only comes in as a tick number, so the same inputs always
 * give the same expiries. A session expires when {@code timeout} worth of ticks pass without a touch; like
 * ZooKeeper's ExpiryQueue, sessions are kept in buckets by their expiry tick so {@link #expire} looks only
 * at the buckets that are due.
 */
public final class SessionTracker {
    private final int tickTimeMs;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final TreeMap<Long, Map<Long, Session>> buckets = new TreeMap<>();
    private long now;

    public SessionTracker(int tickTimeMs) {
        if (tickTimeMs <= 0) {
            throw new IllegalArgumentException("tickTime must be positive: " + tickTimeMs);
        }
        this.tickTimeMs = tickTimeMs;
    }

    public long currentTick() {
        return now;
    }

    /** Adds (or re-adds, after recovery) a session and starts its expiry clock at the current tick. */
    public Session add(long id, int timeoutMs) {
        Session s = sessions.get(id);
        if (s == null) {
            s = new Session(id, timeoutMs);
            sessions.put(id, s);
        }
        touch(s);
        return s;
    }

    public Session get(long id) {
        return sessions.get(id);
    }

    public boolean contains(long id) {
        return sessions.containsKey(id);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<Session> all() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /** Pushes the session's expiry out by its timeout. Returns false if it is unknown or closing. */
    public boolean touch(long id) {
        Session s = sessions.get(id);
        if (s == null || s.isClosing()) {
            return false;
        }
        touch(s);
        return true;
    }

    private void touch(Session s) {
        long ticks = Math.max(1, (s.timeoutMs() + tickTimeMs - 1) / tickTimeMs);
        long expiry = now + ticks + 1;
        if (expiry == s.expiresAtTick()) {
            return;
        }
        unbucket(s);
        s.expiresAt(expiry);
        buckets.computeIfAbsent(expiry, k -> new HashMap<>()).put(s.id(), s);
    }

    private void unbucket(Session s) {
        Map<Long, Session> bucket = buckets.get(s.expiresAtTick());
        if (bucket != null) {
            bucket.remove(s.id());
            if (bucket.isEmpty()) {
                buckets.remove(s.expiresAtTick());
            }
        }
    }

    /** Marks a session closing (a close or expiry txn is on its way); it will not be reported again. */
    public void markClosing(long id) {
        Session s = sessions.get(id);
        if (s != null && !s.isClosing()) {
            s.markClosing();
            unbucket(s);
        }
    }

    /** Removes a session for good (its close txn was applied). */
    public void remove(long id) {
        Session s = sessions.remove(id);
        if (s != null) {
            unbucket(s);
        }
    }

    /**
     * Advances time without expiring anything: a learner keeps its clock current so that, should it become
     * leader, the fresh timeouts it hands every session start from now.
     */
    public void advanceTo(long tick) {
        if (tick > now) {
            now = tick;
        }
    }

    /**
     * Advances time to {@code tick} and returns the sessions that expired, in id order, marking them closing.
     */
    public List<Long> expire(long tick) {
        if (tick > now) {
            now = tick;
        }
        List<Long> expired = new ArrayList<>();
        while (!buckets.isEmpty() && buckets.firstKey() <= now) {
            Map<Long, Session> bucket = buckets.pollFirstEntry().getValue();
            for (Session s : bucket.values()) {
                s.markClosing();
                expired.add(s.id());
            }
        }
        Collections.sort(expired);
        return expired;
    }
}
