package io.coordinator.spring.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.client.ServiceInstance;

import io.coordinator.spring.registration.ServiceInstanceJson;

/**
 * All instances under {@code /services}, kept by one CuratorCache (a persistent recursive watch): an instance
 * is added when its node's creation event arrives and dropped when its deletion event arrives. Nothing is ever
 * polled. Per-service snapshots are memoised in a Caffeine cache and invalidated by those events.
 */
public class CoordinatorServiceCache implements InitializingBean, DisposableBean {
    private static final Log log = LogFactory.getLog(CoordinatorServiceCache.class);

    private final CuratorFramework client;
    private final String root;
    private final Map<String, Map<String, ServiceInstance>> instances = new ConcurrentHashMap<>();
    private final Cache<String, List<ServiceInstance>> snapshots = Caffeine.newBuilder().maximumSize(10_000).build();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch initialized = new CountDownLatch(1);
    private CuratorCache cache;

    public CoordinatorServiceCache(CuratorFramework client, String root) {
        this.client = client;
        this.root = root;
    }

    @Override
    public void afterPropertiesSet() throws Exception {
        cache = CuratorCache.build(client, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(this::put)
                .forChanges((oldNode, node) -> put(node))
                .forDeletes(this::remove)
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        // connected: start with the current instances; not connected (an outage): start now, fill when it answers
        if (client.getZookeeperClient().isConnected() && !initialized.await(10, TimeUnit.SECONDS)) {
            log.warn("Service cache on " + root + " not initialised yet; it fills when the server answers");
        }
    }

    private String[] split(String path) {
        if (!path.startsWith(root + "/")) {
            return null;
        }
        List<String> parts = ZKPaths.split(path.substring(root.length()));
        return parts.size() == 2 ? parts.toArray(new String[0]) : null;
    }

    private void put(ChildData node) {
        String[] p = split(node.getPath());
        if (p == null) {
            return;
        }
        ServiceInstance si = ServiceInstanceJson.read(p[0], p[1], node.getData());
        if (si == null) {
            remove(node);
            return;
        }
        instances.computeIfAbsent(p[0], k -> new ConcurrentHashMap<>()).put(p[1], si);
        changed(p[0]);
    }

    private void remove(ChildData node) {
        String[] p = split(node.getPath());
        if (p == null) {
            return;
        }
        Map<String, ServiceInstance> m = instances.get(p[0]);
        if (m != null && m.remove(p[1]) != null) {
            changed(p[0]);
        }
    }

    private void changed(String serviceId) {
        snapshots.invalidate(serviceId);
        for (Consumer<String> l : listeners) {
            try {
                l.accept(serviceId);
            } catch (RuntimeException e) {
                log.warn("service cache listener failed", e);
            }
        }
    }

    public void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }

    public List<ServiceInstance> getInstances(String serviceId) {
        return snapshots.get(serviceId, id -> {
            Map<String, ServiceInstance> m = instances.get(id);
            return m == null ? List.of() : List.copyOf(m.values());
        });
    }

    public List<String> getServices() {
        List<String> out = new ArrayList<>();
        instances.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.add(k);
            }
        });
        out.sort(null);
        return out;
    }

    @Override
    public void destroy() {
        if (cache != null) {
            cache.close();
        }
    }
}
