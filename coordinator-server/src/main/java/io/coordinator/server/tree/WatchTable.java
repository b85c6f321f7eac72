package io.coordinator.server.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One of ZooKeeper's two watch tables (data/exist, or child): for each path the watchers and, per watcher, the
 * modes it holds there. Insertion-ordered, so events go out in a deterministic order.
 */
final class WatchTable {
    static final int STANDARD = 1;
    static final int PERSISTENT = 2;
    static final int RECURSIVE = 4;
    static final int ANY = STANDARD | PERSISTENT | RECURSIVE;

    private final Map<String, Map<Watcher, Integer>> byPath = new LinkedHashMap<>();
    private int recursiveCount;
    /** (path, watcher) pairs per watcher, for the per-session watch limit. */
    private final Map<Watcher, Integer> perWatcher = new HashMap<>();

    void add(String path, Watcher watcher, int mode) {
        Map<Watcher, Integer> watchers = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        int old = watchers.getOrDefault(watcher, 0);
        if ((mode & RECURSIVE) != 0 && (old & RECURSIVE) == 0) {
            recursiveCount++;
        }
        if (old == 0) {
            perWatcher.merge(watcher, 1, Integer::sum);
        }
        watchers.put(watcher, old | mode);
    }

    /**
     * The watchers an event on {@code path} reaches: every watcher on the path itself (one-shot modes are
     * consumed), and recursive watchers on its ancestors.
     */
    Set<Watcher> trigger(String path) {
        Set<Watcher> hit = new LinkedHashSet<>();
        Map<Watcher, Integer> watchers = byPath.get(path);
        if (watchers != null) {
            for (Iterator<Map.Entry<Watcher, Integer>> it = watchers.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Watcher, Integer> e = it.next();
                hit.add(e.getKey());
                int left = e.getValue() & ~STANDARD;
                if (left == 0) {
                    it.remove();
                    uncount(e.getKey());
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
            uncount(watcher);
            if (watchers.isEmpty()) {
                byPath.remove(path);
            }
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

    private void uncount(Watcher watcher) {
        perWatcher.computeIfPresent(watcher, (w, n) -> n == 1 ? null : n - 1);
    }

    /** The (path, watcher) pairs {@code watcher} holds in this table. */
    int count(Watcher watcher) {
        return perWatcher.getOrDefault(watcher, 0);
    }

    void removeWatcher(Watcher watcher) {
        perWatcher.remove(watcher);
        for (Iterator<Map.Entry<String, Map<Watcher, Integer>>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
            Map<Watcher, Integer> watchers = it.next().getValue();
            Integer old = watchers.remove(watcher);
            if (old != null && (old & RECURSIVE) != 0) {
                recursiveCount--;
            }
            if (watchers.isEmpty()) {
                it.remove();
            }
        }
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
                .forEach(w -> into.computeIfAbsent(w, k -> new LinkedHashSet<>()).add(path)));
    }

    void collectByPath(Map<String, Set<Watcher>> into) {
        byPath.forEach((path, watchers) -> into.computeIfAbsent(path, k -> new LinkedHashSet<>())
                .addAll(watchers.keySet()));
    }

    static <K, V> Map<K, List<V>> toLists(Map<K, Set<V>> sets) {
        Map<K, List<V>> out = new HashMap<>();
        sets.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }
}
