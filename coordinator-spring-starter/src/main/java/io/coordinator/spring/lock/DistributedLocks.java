package io.coordinator.spring.lock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.data.Stat;

/**
 * Distributed locks on Curator's InterProcessMutex (ephemeral sequential nodes, no leases), with fencing
 * tokens and loss detection. Also usable directly: {@code locks.withLock("key", Duration.ofSeconds(1), () -> ...)}.
 */
public class DistributedLocks {
    private static final Log log = LogFactory.getLog(DistributedLocks.class);
    private static final ThreadLocal<Deque<LockHandle>> CURRENT = ThreadLocal.withInitial(ArrayDeque::new);

    private final CuratorFramework client;
    private final String root;
    private final Map<String, FencedMutex> mutexes = new ConcurrentHashMap<>();
    private final Set<LockHandle> held = ConcurrentHashMap.newKeySet();

    public DistributedLocks(CuratorFramework client, String root) {
        this.client = client;
        this.root = root;
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                for (LockHandle h : held) {
                    log.warn("Lock '" + h.key() + "' considered lost: connection " + state);
                    h.markLost();
                }
            }
        });
    }

    /** The innermost lock held by this thread through this API or @DistributedLock, or null. */
    public static LockHandle current() {
        return CURRENT.get().peek();
    }

    public String pathOf(String key) {
        return ZKPaths.makePath(root, key);
    }

    /** Tries to take the lock; null when not obtained within {@code wait} (0 = one attempt). */
    public LockHandle tryAcquire(String key, Duration wait) {
        FencedMutex mutex = mutexes.computeIfAbsent(key, k -> new FencedMutex(client, pathOf(k)));
        boolean ok;
        try {
            ok = mutex.acquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new LockNotAcquiredException("could not acquire lock '" + key + "': " + e.getMessage(), e);
        }
        if (!ok) {
            return null;
        }
        String path = mutex.lockPath();
        long token;
        try {
            Stat stat = client.checkExists().forPath(path);
            if (stat == null) {
                releaseQuietly(mutex, key);
                throw new LockNotAcquiredException("lock node " + path + " vanished right after acquisition");
            }
            token = stat.getCzxid();
        } catch (LockNotAcquiredException e) {
            throw e;
        } catch (Exception e) {
            releaseQuietly(mutex, key);
            throw new LockNotAcquiredException("could not read lock node " + path + ": " + e.getMessage(), e);
        }
        LockHandle h = new LockHandle(key, path, token);
        held.add(h);
        CURRENT.get().push(h);
        return h;
    }

    /** Releases one acquisition (must be called on the acquiring thread). */
    public void release(LockHandle h) {
        Deque<LockHandle> stack = CURRENT.get();
        stack.remove(h);
        if (stack.isEmpty()) {
            CURRENT.remove();
        }
        held.remove(h);
        h.markReleased();
        FencedMutex mutex = mutexes.get(h.key());
        if (mutex != null) {
            releaseQuietly(mutex, h.key());
        }
    }

    private void releaseQuietly(InterProcessMutex mutex, String key) {
        try {
            mutex.release();
        } catch (Exception e) {
            // after a lost session the node is already gone with it
            log.warn("Releasing lock '" + key + "' failed (" + e.getMessage() + "); its node goes with the session");
        }
    }

    /** Runs the body under the lock; throws {@link LockNotAcquiredException} when not obtained in time. */
    public <T> T withLock(String key, Duration wait, Supplier<T> body) {
        LockHandle h = tryAcquire(key, wait);
        if (h == null) {
            throw new LockNotAcquiredException("lock '" + key + "' not acquired within " + wait);
        }
        try {
            return body.get();
        } finally {
            release(h);
        }
    }

    /** The locks held by this process, for the actuator endpoint. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LockHandle h : held) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", h.key());
            m.put("path", h.path());
            m.put("fencingToken", h.fencingToken());
            m.put("held", h.isHeld());
            m.put("thread", h.ownerThread());
            m.put("acquiredAt", h.acquiredAt());
            out.add(m);
        }
        return out;
    }

    /** InterProcessMutex exposing the path of the node this thread holds. */
    static final class FencedMutex extends InterProcessMutex {
        FencedMutex(CuratorFramework client, String path) {
            super(client, path);
        }

        String lockPath() {
            return getLockPath();
        }
    }
}
