package io.coordinator.spring.lock;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One acquisition of a distributed lock. */
public final class LockHandle {
    private final String key;
    private final String path;
    private final long fencingToken;
    private final long acquiredAt = System.currentTimeMillis();
    private final Thread owner = Thread.currentThread();
    private final List<Runnable> onLost = new CopyOnWriteArrayList<>();
    private volatile boolean held = true;
    private volatile boolean lost;

    LockHandle(String key, String path, long fencingToken) {
        this.key = key;
        this.path = path;
        this.fencingToken = fencingToken;
    }

    public String key() {
        return key;
    }
    /** The lock node's path. */
    public String path() {
        return path;
    }
    /** The lock node's creation zxid: larger for every later holder of any lock; pass it to the protected resource. */
    public long fencingToken() {
        return fencingToken;
    }

    public long acquiredAt() {
        return acquiredAt;
    }

    public String ownerThread() {
        return owner.getName();
    }

    /** True while the lock is held and the connection has not been suspended or lost since it was taken. */
    public boolean isHeld() {
        return held && !lost;
    }

    /** True once the lock was lost while held. */
    public boolean isLost() {
        return lost;
    }

    /** Throws {@link LockLostException} if the lock is no longer held: call before acting on the resource. */
    public void checkHeld() {
        if (!isHeld()) {
            throw new LockLostException("lock '" + key + "' (" + path + ") is no longer held");
        }
    }

    /** Runs the callback (on Curator's event thread) if the lock is lost while held. */
    public void onLost(Runnable callback) {
        onLost.add(callback);
        if (lost) {
            callback.run();
        }
    }

    void markLost() {
        if (held && !lost) {
            lost = true;
            onLost.forEach(Runnable::run);
        }
    }

    void markReleased() {
        held = false;
    }
}
