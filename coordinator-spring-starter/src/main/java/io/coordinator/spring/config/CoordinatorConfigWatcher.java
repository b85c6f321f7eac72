package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.curator.RecreationAwareStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.Watcher;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Keeps the {@link CoordinatorPropertySource}s loaded at startup current: one CuratorCache (persistent recursive
 * watch) per configuration context; on any change under it the context is re-read, the property source updated
 * in place, then {@code @Value} members re-injected, {@code @ConfigurationProperties} beans re-bound and a
 * {@link CoordinatorConfigChangedEvent} published with the changed keys. A persistent watch per context on its
 * gray release node: where the release selects this instance its values are the release's ({@link GrayReleases}).
 */
public class CoordinatorConfigWatcher implements SmartInitializingSingleton, DisposableBean {
    private static final Log log = LogFactory.getLog(CoordinatorConfigWatcher.class);

    private final CuratorFramework client;
    private final ConfigurableEnvironment environment;
    private final ValueRefresher valueRefresher;
    private final ConfigurationPropertiesRebinder rebinder;
    private final ApplicationEventPublisher publisher;
    private volatile Supplier<InstanceFacts> facts;
    private final List<CuratorCache> caches = new ArrayList<>();
    private final List<PersistentWatcher> grayWatchers = new ArrayList<>();
    private final Map<String, AtomicBoolean> pending = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "coordinator-config-refresh");
        t.setDaemon(true);
        return t;
    });

    public CoordinatorConfigWatcher(
            CuratorFramework client,
            ConfigurableEnvironment environment,
            ValueRefresher valueRefresher,
            ConfigurationPropertiesRebinder rebinder,
            ApplicationEventPublisher publisher) {
        this(client, environment, valueRefresher, rebinder, publisher, () -> null);
    }

    /**
     * @param facts this instance as gray release selectors see it (null facts: no release selects it), until the
     *     registration supplies the address it published ({@link #useInstanceFacts})
     */
    public CoordinatorConfigWatcher(
            CuratorFramework client,
            ConfigurableEnvironment environment,
            ValueRefresher valueRefresher,
            ConfigurationPropertiesRebinder rebinder,
            ApplicationEventPublisher publisher,
            Supplier<InstanceFacts> facts) {
        this.client = client;
        this.environment = environment;
        this.valueRefresher = valueRefresher;
        this.rebinder = rebinder;
        this.publisher = publisher;
        this.facts = facts;
    }

    /**
     * From now on gray release selectors see {@code facts} (the registration's, with the address it published);
     * every context is read again so an address selector that now matches, or no longer does, applies.
     */
    public void useInstanceFacts(Supplier<InstanceFacts> facts) {
        this.facts = facts;
        sources().forEach(this::schedule);
    }

    public List<CoordinatorPropertySource> sources() {
        List<CoordinatorPropertySource> out = new ArrayList<>();
        for (PropertySource<?> ps : environment.getPropertySources()) {
            if (ps instanceof CoordinatorPropertySource c) {
                out.add(c);
            }
        }
        return out;
    }

    /** Bindings fixed at creation: @Value constructor/@Bean parameters and constructor-bound properties beans. */
    public List<FrozenBinding> frozen() {
        List<FrozenBinding> out = new ArrayList<>();
        if (valueRefresher != null) {
            out.addAll(valueRefresher.frozen());
        }
        if (rebinder != null) {
            out.addAll(rebinder.frozen());
        }
        return out;
    }

    /** Keys currently supplied by Coordinator (any context). */
    Set<String> coordinatorKeys() {
        Set<String> keys = new TreeSet<>();
        sources().forEach(s -> keys.addAll(s.values().keySet()));
        return keys;
    }

    private static Set<String> usedBy(FrozenBinding b, Set<String> keys) {
        Set<String> out = new TreeSet<>();
        for (String k : keys) {
            if (b.dependsOn().test(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** One WARN per frozen binding that uses a property Coordinator supplies: it will not follow changes. */
    private void warnAboutFrozenBindings() {
        Set<String> keys = coordinatorKeys();
        for (FrozenBinding b : frozen()) {
            Set<String> used = usedBy(b, keys);
            if (!used.isEmpty()) {
                log.warn("Bean '" + b.bean() + "' " + b.member() + " " + b.source() + " uses " + used
                        + " from Coordinator but was bound once, when the bean was created: it will NOT be refreshed"
                        + " when they change. Use a @Value field or setter, or a JavaBean @ConfigurationProperties"
                        + " class, for values that must follow live changes.");
            }
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!sources().isEmpty()) {
            warnAboutFrozenBindings();
        }
        // a server that answers (first time, or again after an outage): read every context as a live change would
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                sources().forEach(this::schedule);
            }
        });
        if (client.getZookeeperClient().isConnected()) {
            sources().stream()
                    .filter(s -> !CoordinatorPropertySource.SERVER.equals(s.origin()))
                    .forEach(this::schedule);
        }
        for (CoordinatorPropertySource source : sources()) {
            watch(source, RecreationAwareStorage.cache(client, source.path()));
            watchGray(source);
        }
    }

    /**
     * The context's gray release node: started, changed, promoted or aborted. A watch without a cache (the reload
     * reads the node), so a node this instance may not read costs one WARN, not an error per event.
     */
    private void watchGray(CoordinatorPropertySource source) {
        PersistentWatcher watcher = new PersistentWatcher(client, GrayReleases.path(source.path()), false);
        watcher.getListenable().addListener(event -> {
            if (event.getType() != Watcher.Event.EventType.None) {
                schedule(source);
            }
        });
        // set (again, after a reconnection): catches a change made while no watch was set
        watcher.getResetListenable().addListener(() -> schedule(source));
        watcher.start();
        grayWatchers.add(watcher);
    }

    private void watch(CoordinatorPropertySource source, CuratorCache cache) {
        AtomicBoolean initialized = new AtomicBoolean();
        cache.listenable()
                .addListener(CuratorCacheListener.builder()
                        .forAll((type, oldData, data) -> {
                            if (initialized.get()) {
                                schedule(source);
                            }
                        })
                        .forInitialized(() -> {
                            initialized.set(true);
                            schedule(source); // catches changes made between loading and watching
                        })
                        .build());
        cache.start();
        caches.add(cache);
    }

    private void schedule(CoordinatorPropertySource source) {
        AtomicBoolean flag = pending.computeIfAbsent(source.path(), p -> new AtomicBoolean());
        if (flag.compareAndSet(false, true)) {
            executor.execute(() -> {
                flag.set(false);
                reload(source);
            });
        }
    }

    /** Re-reads one context and applies the difference; returns the changed keys. */
    public Set<String> reload(CoordinatorPropertySource source) {
        try {
            Map<String, String> brokenBefore = source.broken();
            ConfigTree.Snapshot main = ConfigTree.read(client, source.path(), source.documents());
            GrayReleases.Applied applied =
                    GrayReleases.apply(main, GrayReleases.read(client, source.path()), facts.get());
            ConfigTree.Snapshot snapshot = applied.snapshot();
            GrayStatus grayBefore = source.gray();
            GrayStatus gray = applied.status();
            reportGray(source.path(), grayBefore, gray);
            snapshot.broken().forEach((node, error) -> {
                if (!error.equals(brokenBefore.get(node))) {
                    log.warn("Configuration document " + node + " is malformed at " + error + "; keeping its "
                            + (snapshot.documents().containsKey(node) ? "last good values" : "keys out (none known)")
                            + " while the rest of " + source.path() + " applies");
                }
            });
            brokenBefore.keySet().stream()
                    .filter(n -> !snapshot.broken().containsKey(n))
                    .forEach(n -> log.info("Configuration document " + n + " parses again"));
            Set<String> changed = source.update(snapshot, gray);
            boolean moved = !Objects.equals(grayBefore.applied(), gray.applied());
            if (!changed.isEmpty() || moved) {
                changed = withDependents(changed);
                List<String> values = valueRefresher == null ? List.of() : valueRefresher.refresh(changed);
                List<String> beans = rebinder == null ? List.of() : rebinder.rebind(changed);
                List<String> notRefreshed = new ArrayList<>();
                for (FrozenBinding b : frozen()) {
                    if (!usedBy(b, changed).isEmpty()) {
                        notRefreshed.add(b.toString());
                    }
                }
                log.info("Configuration " + source.path() + "@" + snapshot.mzxid() + " changed " + changed
                        + "; re-injected " + values + ", re-bound " + beans);
                if (!notRefreshed.isEmpty()) {
                    log.warn(
                            "Configuration change of " + changed + " NOT applied to " + notRefreshed
                                    + ": bound once at creation (constructor or @Bean parameter, constructor-bound properties)");
                }
                publisher.publishEvent(new CoordinatorConfigChangedEvent(
                        this, source.path(), snapshot.mzxid(), changed, notRefreshed));
            }
            return changed;
        } catch (Exception e) {
            log.warn("Could not reload " + source.path() + ": " + e.getMessage());
            return Set.of();
        }
    }

    /** INFO when this instance moves to or off a release, WARN once per reason a release node cannot be used. */
    private static void reportGray(String path, GrayStatus before, GrayStatus now) {
        if (now.problem() != null && !now.problem().equals(before.problem())) {
            log.warn("Configuration " + path + ": " + now.problem());
        }
        if (Objects.equals(before.applied(), now.applied())) {
            return;
        }
        if (now.applied() != null) {
            log.info("Configuration " + path + ": this instance now runs gray release " + now.applied()
                    + (before.applied() == null ? "" : " (was on gray release " + before.applied() + ")"));
        } else {
            log.info("Configuration " + path + ": this instance is back on the main version (gray release "
                    + before.applied() + " "
                    + (now.release() == null ? "ended" : "no longer selects it") + ")");
        }
    }

    /**
     * Adds the keys whose raw value uses a changed key through a placeholder (transitively): their resolved
     * value changed too, which matters to @ConfigurationProperties and to listeners.
     */
    Set<String> withDependents(Set<String> changed) {
        Set<String> all = new TreeSet<>(changed);
        Set<String> names = new LinkedHashSet<>();
        for (PropertySource<?> ps : environment.getPropertySources()) {
            if (ps instanceof EnumerablePropertySource<?> e) {
                names.addAll(Arrays.asList(e.getPropertyNames()));
            }
        }
        for (String name : names) {
            if (all.contains(name)) {
                continue;
            }
            Object raw = null;
            for (PropertySource<?> ps : environment.getPropertySources()) {
                if (ps.containsProperty(name)) {
                    raw = ps.getProperty(name);
                    break;
                }
            }
            if (raw != null && raw.toString().contains("${")) {
                Set<String> deps = PlaceholderKeys.of(raw.toString(), environment);
                if (deps.stream().anyMatch(changed::contains)) {
                    all.add(name);
                }
            }
        }
        return all;
    }

    /** Config sources and versions, for the actuator endpoint (lowest precedence first). */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        List<CoordinatorPropertySource> list = sources();
        Collections.reverse(list);
        for (CoordinatorPropertySource s : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", s.path());
            m.put("mzxid", s.version());
            m.put("origin", s.origin());
            m.put("loadedAt", s.loadedAt() == null ? null : s.loadedAt().toString());
            m.put("keys", new TreeSet<>(s.values().keySet()));
            m.put("broken", s.broken());
            m.put("gray", s.gray().describe());
            out.add(m);
        }
        return out;
    }

    /** Frozen bindings that use a key Coordinator supplies now, with those keys, for the actuator endpoint. */
    public List<Map<String, Object>> describeFrozen() {
        Set<String> keys = coordinatorKeys();
        List<Map<String, Object>> out = new ArrayList<>();
        for (FrozenBinding b : frozen()) {
            Set<String> used = usedBy(b, keys);
            if (!used.isEmpty()) {
                out.add(b.describe(used));
            }
        }
        return out;
    }

    @Override
    public void destroy() {
        caches.forEach(CuratorCache::close);
        grayWatchers.forEach(PersistentWatcher::close);
        executor.shutdownNow();
    }
}
