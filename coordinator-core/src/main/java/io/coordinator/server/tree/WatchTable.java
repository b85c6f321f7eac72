package io.coordinator.server.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of ZooKeeper's two watch tables (data/exist, or child): for each path the watchers and, per watcher, the
 * modes it holds there. Insertion-ordered, so events go out in a deterministic order.
 *
 * <p>Also indexed by watcher (ZooKeeper's watch2Paths): a closing connection's watches are dropped by
 * visiting only its own paths, so the cost is proportional to that connection's watches, not to the number
 * of watched paths.
 */
final class WatchTable {
    static final int STANDARD = 1;
    static final int PERSISTENT = 2;
    static final int RECURSIVE = 4;
    static final int ANY = STANDARD | PERSISTENT | RECURSIVE;

    private final Map<String, Map<Watcher, Integer>> byPath = new LinkedHashMap<>();
    /** The paths each watcher holds a watch on here: exactly the (path, watcher) pairs of byPath. */
    private final Map<Watcher, Set<String>> byWatcher = new HashMap<>();

    private int recursiveCount;

    void add(String path, Watcher watcher, int mode) {
        Map<Watcher, Integer> watchers = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        Integer prev = watchers.get(watcher);
        int old = prev == null ? 0 : prev;
        if ((mode & RECURSIVE) != 0 && (old & RECURSIVE) == 0) {
            recursiveCount++;
        }
        watchers.put(watcher, old | mode);
        if (prev == null) {
            byWatcher.computeIfAbsent(watcher, w -> new HashSet<>()).add(path);
        }
    }

    /** Drops path from watcher's index entry (its last mode on path is gone). */
    private void unindex(Watcher watcher, String path) {
        Set<String> paths = byWatcher.get(watcher);
        if (paths != null) {
            paths.remove(path);
            if (paths.isEmpty()) {
                byWatcher.remove(watcher);
            }
        }
    }

    /**
     * The watchers an event on {@code path} reaches: every watcher on the path itself (one-shot modes are
     * consumed), and recursive watchers on its ancestors.
     */
    Set<Watcher> trigger(String path) {
        Map<Watcher, Integer> watchers = byPath.get(path);
        if (watchers == null && recursiveCount == 0) {
            return Set.of(); // the common case of a write nobody watches: no allocation
        }
        Set<Watcher> hit = new LinkedHashSet<>();
        if (watchers != null) {
            for (Iterator<Map.Entry<Watcher, Integer>> it = watchers.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Watcher, Integer> e = it.next();
                hit.add(e.getKey());
                int left = e.getValue() & ~STANDARD;
                if (left == 0) {
                    it.remove();
                    unindex(e.getKey(), path);
                } else {
                    e.setValue(left);
                }
            }
            if (watchers.isEmpty()) {
                byPath.remove(path);
            }
        }
        if (recursiveCount > 0) {
            for (String p = Paths.parent(path); p != null; p = Paths.parent(p)) {
                Map<Watcher, Integer> above = byPath.get(p);
                if (above != null) {
                    above.forEach((w, modes) -> {
                        if ((modes & RECURSIVE) != 0) {
                            hit.add(w);
                        }
                    });
                }
            }
        }
        return hit;
    }

    /** Removes the given modes of watcher on path; true if it held any of them. */
    boolean remove(String path, Watcher watcher, int modes) {
        Map<Watcher, Integer> watchers = byPath.get(path);
        Integer old = watchers == null ? null : watchers.get(watcher);
        if (old == null || (old & modes) == 0) {
            return false;
        }
        if ((old & modes & RECURSIVE) != 0) {
            recursiveCount--;
        }
        int left = old & ~modes;
        if (left == 0) {
            watchers.remove(watcher);
            if (watchers.isEmpty()) {
                byPath.remove(path);
            }
            unindex(watcher, path);
        } else {
            watchers.put(watcher, left);
        }
        return true;
    }

    boolean contains(String path, Watcher watcher, int modes) {
        Map<Watcher, Integer> watchers = byPath.get(path);
        Integer old = watchers == null ? null : watchers.get(watcher);
        return old != null && (old & modes) != 0;
    }

    /** The (path, watcher) pairs {@code watcher} holds in this table (for the per-session watch limit). */
    int count(Watcher watcher) {
        Set<String> paths = byWatcher.get(watcher);
        return paths == null ? 0 : paths.size();
    }

    /** Drops every watch of watcher, visiting only the paths it watches. */
    void removeWatcher(Watcher watcher) {
        Set<String> paths = byWatcher.remove(watcher);
        if (paths == null) {
            return;
        }
        for (String path : paths) {
            Map<Watcher, Integer> watchers = byPath.get(path);
            Integer old = watchers == null ? null : watchers.remove(watcher);
            if (old != null && (old & RECURSIVE) != 0) {
                recursiveCount--;
            }
            if (watchers != null && watchers.isEmpty()) {
                byPath.remove(path);
            }
        }
    }

    /** The paths watcher watches here (a copy), for tests and wchc. */
    Set<String> pathsOf(Watcher watcher) {
        Set<String> paths = byWatcher.get(watcher);
        return paths == null ? Set.of() : new HashSet<>(paths);
    }

    /** Watchers with at least one watch here. */
    int watcherCount() {
        return byWatcher.size();
    }

    /** Number of (path, watcher) pairs, as ZooKeeper's WatchManager.size(). */
    int size() {
        int n = 0;
        for (Map<Watcher, Integer> watchers : byPath.values()) {
            n += watchers.size();
        }
        return n;
    }

    Set<String> paths() {
        return byPath.keySet();
    }

    void collectByWatcher(Map<Watcher, Set<String>> into) {
        byPath.forEach((path, watchers) -> watchers.keySet()
                .forEach(
                        w -> into.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(path)));
    }

    void collectByPath(Map<String, Set<Watcher>> into) {
        byPath.forEach((path, watchers) ->
                into.computeIfAbsent(path, k -> new LinkedHashSet<>()).addAll(watchers.keySet()));
    }

    static <K, V> Map<K, List<V>> toLists(Map<K, Set<V>> sets) {
        Map<K, List<V>> out = new HashMap<>();
        sets.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }
}
