package io.coordinator.spring.discovery;

import io.coordinator.spring.curator.RecreationAwareStorage;
import io.coordinator.spring.registration.ServiceInstanceJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.client.ServiceInstance;

/**
 * All instances under {@code /services}, kept by one CuratorCache (a persistent recursive watch): an instance
 * is added when its node's creation event arrives and dropped when its deletion event arrives. Nothing is ever
 * polled. What is served per service is worked out once per event and published for readers: a reader never
 * computes a list or decides a hold (a reader's list can be older than the event just processed, and a hold
 * decided on it could undo the event's).
 * <p>
 * During an outage it keeps serving what it knew: the watch sends nothing while the session is not connected,
 * and a drop right after the reconnect is held back for a bounded time ({@link InstanceProtection}). Until the
 * first server answers, it serves the instances of its {@link DiscoveryLocalCopy}, which it rewrites after every
 * change.
 */
public class CoordinatorServiceCache implements InitializingBean, DisposableBean {
    private static final Log log = LogFactory.getLog(CoordinatorServiceCache.class);

    /** Where the served instances come from: the server, the local copy (no server yet), or nothing yet. */
    public static final String SERVER = "server";

    public static final String LOCAL_COPY = "local-copy";
    public static final String NONE = "none";

    /** A service whose live list is being held back: {@code kept} instances served although {@code live} are live. */
    public record ProtectedService(String service, Instant since, Instant until, int kept, int live) {}

    private final CuratorFramework client;
    private final String root;
    private final InstanceProtection protection;
    private final DiscoveryLocalCopy localCopy;
    private final Clock clock;
    private final Map<String, Map<String, ServiceInstance>> instances = new ConcurrentHashMap<>();
    /** Operators' overrides by service and instance id ({@link InstanceOverrides}). */
    private final Map<String, Map<String, InstanceOverrides.Override>> overrides = new ConcurrentHashMap<>();

    private CuratorCache overridesCache;
    /** What discovery serves per service (never an empty list), written only by {@link #changed}. */
    private final Map<String, List<ServiceInstance>> served = new ConcurrentHashMap<>();
    /** Orders {@link #changed}: each works out a service's list from the instances as they are when it runs. */
    private final Object changes = new Object();

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch initialized = new CountDownLatch(1);
    /** Releases holds at their bound and writes the local copy, off the Curator event thread. */
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coordinator-discovery");
        t.setDaemon(true);
        return t;
    });

    private final AtomicBoolean writePending = new AtomicBoolean();
    /** The local copy served until the cache is first initialised from a server; null once it is (or without one). */
    private volatile DiscoveryLocalCopy.Copy fromCopy;

    private CuratorCache cache;

    /** Without protection or local copy. */
    public CoordinatorServiceCache(CuratorFramework client, String root) {
        this(client, root, new InstanceProtection(false, 0, Duration.ZERO), null, Clock.systemUTC());
    }

    public CoordinatorServiceCache(
            CuratorFramework client,
            String root,
            boolean protect,
            double threshold,
            Duration maxDuration,
            DiscoveryLocalCopy localCopy) {
        this(client, root, new InstanceProtection(protect, threshold, maxDuration), localCopy, Clock.systemUTC());
    }

    CoordinatorServiceCache(
            CuratorFramework client,
            String root,
            InstanceProtection protection,
            DiscoveryLocalCopy localCopy,
            Clock clock) {
        this.client = client;
        this.root = root;
        this.protection = protection;
        this.localCopy = localCopy;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() throws Exception {
        fromCopy = localCopy == null ? null : localCopy.read();
        if (fromCopy != null) {
            log.info("Discovery serves " + fromCopy.services().size() + " service(s) from its local copy " + localCopy
                    + " (written " + fromCopy.written() + ") until a server answers");
        }
        client.getConnectionStateListenable().addListener((c, state) -> connectionChanged(state));
        cache = RecreationAwareStorage.cache(client, root);
        cache.listenable()
                .addListener(CuratorCacheListener.builder()
                        .forCreates(this::put)
                        .forChanges((oldNode, node) -> put(node))
                        .forDeletes(this::remove)
                        .forInitialized(this::initialized)
                        .build());
        cache.start();
        overridesCache = RecreationAwareStorage.cache(client, InstanceOverrides.ROOT);
        overridesCache
                .listenable()
                .addListener(CuratorCacheListener.builder()
                        .forCreates(this::putOverride)
                        .forChanges((oldNode, node) -> putOverride(node))
                        .forDeletes(this::removeOverride)
                        .build());
        overridesCache.start();
        // connected: start with the current instances; not connected (an outage): start now, fill when it answers
        if (client.getZookeeperClient().isConnected() && !initialized.await(10, TimeUnit.SECONDS)) {
            log.warn("Service cache on " + root + " not initialised yet; it fills when the server answers");
        }
    }

    private void connectionChanged(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            if (fromCopy == null) { // a local copy is never held against the server's truth
                protection.disconnected(clock.instant(), serving());
            }
        } else if (state.isConnected()) {
            protection.connected(clock.instant());
        }
    }

    private void initialized() {
        initialized.countDown();
        DiscoveryLocalCopy.Copy copy = fromCopy;
        fromCopy = null;
        if (copy != null) {
            log.info("Discovery serves the server's instances now, in place of its local copy");
            copy.services().keySet().forEach(this::notifyListeners);
        }
        scheduleWrite();
    }

    private void put(ChildData node) {
        String[] p = serviceAndInstance(root, node.getPath());
        if (p != null) {
            store(instances, p, ServiceInstanceJson.read(p[0], p[1], node.getData()));
        }
    }

    private void remove(ChildData node) {
        String[] p = serviceAndInstance(root, node.getPath());
        if (p != null) {
            forget(instances, p);
        }
    }

    private void putOverride(ChildData node) {
        String[] p = serviceAndInstance(InstanceOverrides.ROOT, node.getPath());
        if (p != null) {
            store(overrides, p, InstanceOverrides.parse(node.getData()));
        }
    }

    private void removeOverride(ChildData node) {
        String[] p = serviceAndInstance(InstanceOverrides.ROOT, node.getPath());
        if (p != null) {
            forget(overrides, p);
        }
    }

    /** The service and instance id of the node {@code <under>/<service>/<instance>}, or null for another path. */
    private static String[] serviceAndInstance(String under, String path) {
        if (!path.startsWith(under + "/")) {
            return null;
        }
        List<String> parts = ZKPaths.split(path.substring(under.length()));
        return parts.size() == 2 ? parts.toArray(new String[0]) : null;
    }

    /** Keeps what a node says of an instance ({@code p}: service, instance id); null (it does not parse) forgets it. */
    private <T> void store(Map<String, Map<String, T>> byService, String[] p, T value) {
        if (value == null) {
            forget(byService, p);
            return;
        }
        byService.computeIfAbsent(p[0], k -> new ConcurrentHashMap<>()).put(p[1], value);
        changed(p[0]);
    }

    private <T> void forget(Map<String, Map<String, T>> byService, String[] p) {
        Map<String, T> m = byService.get(p[0]);
        if (m != null && m.remove(p[1]) != null) {
            changed(p[0]);
        }
    }

    /**
     * Works out what is served for {@code serviceId} after an event (or at a hold's bound) and publishes it. The
     * instances changed before this call; under the lock each call reads them afresh, so the last call for a
     * service is computed from the newest instances whatever thread it runs on.
     */
    private void changed(String serviceId) {
        Instant before;
        Instant until;
        synchronized (changes) {
            before = protection.heldUntil(serviceId);
            List<ServiceInstance> list = protection.serve(serviceId, live(serviceId), clock.instant());
            if (list.isEmpty()) {
                served.remove(serviceId);
            } else {
                served.put(serviceId, list);
            }
            until = protection.heldUntil(serviceId);
        }
        if (until != null && !until.equals(before)) {
            log.warn("Discovery keeps serving the last known instances of " + serviceId + " (the live list dropped"
                    + " during or right after an outage) until they re-register or at the latest until " + until);
            long delay = Math.max(0, Duration.between(clock.instant(), until).toMillis()) + 1;
            run(() -> background.schedule(() -> changed(serviceId), delay, TimeUnit.MILLISECONDS));
        } else if (until == null && before != null) {
            log.info("Discovery serves the live instances of " + serviceId + " again");
        }
        notifyListeners(serviceId);
        scheduleWrite();
    }

    private void notifyListeners(String serviceId) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(serviceId);
            } catch (RuntimeException e) {
                log.warn("service cache listener failed", e);
            }
        }
    }

    /** Writes the local copy soon, once for a burst of changes. */
    private void scheduleWrite() {
        if (localCopy != null
                && fromCopy == null
                && initialized.getCount() == 0
                && writePending.compareAndSet(false, true)) {
            run(() -> background.execute(() -> {
                writePending.set(false);
                localCopy.write(serving());
            }));
        }
    }

    /** Hands work to the background thread, unless the cache is closed already. */
    private static void run(Runnable submit) {
        try {
            submit.run();
        } catch (RejectedExecutionException closed) {
            // closing: nothing left to release or write
        }
    }

    /** Called with a service id whenever what discovery serves for it may have changed. */
    public void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }

    private List<ServiceInstance> live(String serviceId) {
        Map<String, ServiceInstance> m = instances.get(serviceId);
        return m == null ? List.of() : InstanceOverrides.apply(List.copyOf(m.values()), overrides.get(serviceId));
    }

    public List<ServiceInstance> getInstances(String serviceId) {
        DiscoveryLocalCopy.Copy copy = fromCopy;
        if (copy != null) {
            return copy.services().getOrDefault(serviceId, List.of());
        }
        return served.getOrDefault(serviceId, List.of());
    }

    public List<String> getServices() {
        DiscoveryLocalCopy.Copy copy = fromCopy;
        if (copy != null) {
            return List.copyOf(new TreeSet<>(copy.services().keySet()));
        }
        return List.copyOf(new TreeSet<>(served.keySet()));
    }

    private Map<String, List<ServiceInstance>> serving() {
        Map<String, List<ServiceInstance>> out = new TreeMap<>();
        for (String s : getServices()) {
            out.put(s, getInstances(s));
        }
        return out;
    }

    /** {@link #SERVER}, {@link #LOCAL_COPY} (no server has answered yet) or {@link #NONE} (neither yet). */
    public String source() {
        if (fromCopy != null) {
            return LOCAL_COPY;
        }
        return initialized.getCount() == 0 ? SERVER : NONE;
    }

    /** When the local copy being served was written; null when none is served. */
    public Instant localCopyWritten() {
        DiscoveryLocalCopy.Copy copy = fromCopy;
        return copy == null ? null : copy.written();
    }

    /** The local copy's file, or null when local copies are off. */
    public String localCopyFile() {
        return localCopy == null ? null : localCopy.toString();
    }

    /** The services whose live list is being held back now. */
    public List<ProtectedService> protectedServices() {
        return protection.holds(clock.instant()).entrySet().stream()
                .map(e -> new ProtectedService(
                        e.getKey(),
                        e.getValue().since(),
                        e.getValue().until(),
                        e.getValue().kept().size(),
                        e.getValue().live()))
                .toList();
    }

    /** How many holds have started since this cache was created. */
    public long protectionsStarted() {
        return protection.started();
    }

    /** How many holds ended at their bound (the instances did not come back in time). */
    public long protectionsExpired() {
        return protection.expired();
    }

    @Override
    public void destroy() {
        background.shutdownNow();
        if (cache != null) {
            cache.close();
        }
        if (overridesCache != null) {
            overridesCache.close();
        }
    }
}
