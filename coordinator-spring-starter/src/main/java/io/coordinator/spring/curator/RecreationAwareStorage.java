package io.coordinator.spring.curator;

import java.util.Optional;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;

/**
 * CuratorCache's storage, made to see a znode that was deleted and created again while the cache was not
 * watching (an outage) as the new node it is.
 *
 * <p>After a reconnect CuratorCache reads every node it holds again, and lists a node's children only when its
 * cversion changed, and reports a change only when its version changed. A node made again restarts both counts,
 * so it can come back with the very numbers the cache holds: a service's container removed when its last instance
 * left and made again by the next registration has cversion 1 both times, and the new instance under it was never
 * read. Here a node whose czxid differs from the stored one has no previous entry, so CuratorCache treats it as
 * created: it lists its children and reports its data.
 */
public final class RecreationAwareStorage implements CuratorCacheStorage {
    private final CuratorCacheStorage nodes = CuratorCacheStorage.standard();

    /** A cache of {@code path} and everything below it, with this storage. */
    public static CuratorCache cache(CuratorFramework client, String path) {
        return CuratorCache.builder(client, path)
                .withStorage(new RecreationAwareStorage())
                .build();
    }

    @Override
    public Optional<ChildData> put(ChildData data) {
        Optional<ChildData> previous = nodes.put(data);
        return previous.filter(p -> sameNode(p, data));
    }

    private static boolean sameNode(ChildData a, ChildData b) {
        return a.getStat() == null
                || b.getStat() == null
                || a.getStat().getCzxid() == b.getStat().getCzxid();
    }

    @Override
    public Optional<ChildData> remove(String path) {
        return nodes.remove(path);
    }

    @Override
    public void clear() {
        nodes.clear();
    }

    @Override
    public Optional<ChildData> get(String path) {
        return nodes.get(path);
    }

    @Override
    public int size() {
        return nodes.size();
    }

    @Override
    public Stream<ChildData> stream() {
        return nodes.stream();
    }
}
