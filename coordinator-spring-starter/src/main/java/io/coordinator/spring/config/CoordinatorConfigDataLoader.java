package io.coordinator.spring.config;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.ConnectString;
import io.coordinator.spring.autoconfigure.QuickReconnectZookeeperFactory;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.MapPropertySource;

/**
 * Loads a configuration context at startup with a short-lived client shared by the contexts of one startup
 * (closed with the bootstrap context). The running application then keeps the property sources current
 * ({@link CoordinatorConfigWatcher}), including one that started from its local copy or empty because no server
 * answered: it is filled as soon as one does.
 */
public class CoordinatorConfigDataLoader implements ConfigDataLoader<CoordinatorConfigDataResource> {
    private final Log log;

    public CoordinatorConfigDataLoader(DeferredLogFactory logs) {
        this.log = logs.getLog(CoordinatorConfigDataLoader.class);
    }

    @Override
    public ConfigData load(ConfigDataLoaderContext context, CoordinatorConfigDataResource resource) throws IOException {
        Clients clients = context.getBootstrapContext().isRegistered(Clients.class)
                ? context.getBootstrapContext().get(Clients.class)
                : null;
        if (clients == null) {
            clients = new Clients();
            Clients registered = clients;
            ((BootstrapRegistry) context.getBootstrapContext())
                    .register(Clients.class, BootstrapRegistry.InstanceSupplier.of(registered));
            ((BootstrapRegistry) context.getBootstrapContext()).addCloseListener(e -> registered.close());
        }
        List<ConnectString.Server> servers;
        try {
            servers = ConnectString.parse(resource.connectString(), resource.connectProperty());
        } catch (IllegalArgumentException e) {
            throw new CoordinatorConfigUnavailableException(e.getMessage(), e);
        }
        List<String> unknownHosts = ConnectString.unresolvable(servers);
        ConfigLocalCopy copy = ConfigLocalCopy.of(resource.localCopy(), resource.path());
        CuratorFramework client = unknownHosts.size() == servers.size() ? null : clients.connected(resource);
        if (client == null) {
            return withoutServer(
                    resource,
                    copy,
                    unknownHosts.size() == servers.size()
                            ? "unknown host " + String.join(", ", unknownHosts) + " in " + resource.connectProperty()
                                    + "=" + resource.connectString()
                            : "no server answered at " + resource.connectProperty() + "=" + resource.connectString()
                                    + " within " + resource.connectionTimeout());
        }
        ConfigLocalCopy.Copy last = copy == null ? null : copy.read();
        ConfigTree.Snapshot snapshot;
        GrayStatus gray;
        try {
            ConfigTree.Snapshot main = ConfigTree.read(
                    client,
                    resource.path(),
                    last == null ? Map.of() : last.snapshot().documents());
            GrayReleases.Applied applied =
                    GrayReleases.apply(main, GrayReleases.read(client, resource.path()), facts(context, resource));
            snapshot = applied.snapshot();
            gray = applied.status();
        } catch (KeeperException.NoAuthException e) {
            throw new CoordinatorConfigUnavailableException(
                    "Not allowed to read " + e.getPath() + " from " + resource.connectString() + ": the server grants"
                            + " configuration contexts to users; set coordinator.client.auth.username and password"
                            + " to a user granted read on this context whose wire-digest the server knows",
                    e);
        } catch (Exception e) {
            throw new CoordinatorConfigUnavailableException(
                    "Could not read " + resource.path() + " from " + resource.connectString() + ": " + e.getMessage(),
                    e);
        }
        if (!snapshot.broken().isEmpty()) {
            log.warn("Coordinator configuration " + resource.path() + ": starting with its readable nodes; malformed "
                    + snapshot.broken() + " "
                    + (snapshot.documents()
                                    .keySet()
                                    .containsAll(snapshot.broken().keySet())
                            ? "replaced by their last good values from the local copy"
                            : "skipped (no last good values in a local copy for "
                                    + snapshot.broken().keySet().stream()
                                            .filter(d -> !snapshot.documents().containsKey(d))
                                            .toList()
                                    + ")"));
        }
        if (gray.problem() != null) {
            log.warn("Coordinator configuration " + resource.path() + ": " + gray.problem());
        } else if (gray.selected()) {
            log.info("Coordinator configuration " + resource.path() + ": this instance runs gray release "
                    + gray.release());
        }
        if (copy != null) {
            copy.write(snapshot);
        }
        return new ConfigData(List.of(new CoordinatorPropertySource(
                resource.path(),
                snapshot,
                gray,
                CoordinatorPropertySource.SERVER,
                Instant.now(),
                copy,
                resource.keys())));
    }

    /**
     * This instance for gray release selectors, with the instance id the registration will use: when none is
     * configured, one generated once per application start and handed to the application's Environment when the
     * bootstrap context closes (so {@code CoordinatorIdentity} takes the same one).
     */
    private static InstanceFacts facts(ConfigDataLoaderContext context, CoordinatorConfigDataResource resource) {
        InstanceFacts f = resource.instance();
        if (f == null || f.instanceId() != null) {
            return f;
        }
        BootstrapRegistry registry = (BootstrapRegistry) context.getBootstrapContext();
        GeneratedInstanceId generated;
        synchronized (registry) {
            if (!context.getBootstrapContext().isRegistered(GeneratedInstanceId.class)) {
                GeneratedInstanceId id = new GeneratedInstanceId(f.service() + "-" + UUID.randomUUID());
                registry.register(GeneratedInstanceId.class, BootstrapRegistry.InstanceSupplier.of(id));
                registry.addCloseListener(e -> e.getApplicationContext()
                        .getEnvironment()
                        .getPropertySources()
                        .addLast(new MapPropertySource(
                                "coordinatorGeneratedInstanceId", Map.of(GeneratedInstanceId.PROPERTY, id.value()))));
            }
            generated = context.getBootstrapContext().get(GeneratedInstanceId.class);
        }
        return new InstanceFacts(f.service(), generated.value(), f.host(), f.port(), f.zone(), f.metadata());
    }

    /** The instance id generated at startup when none is configured. */
    record GeneratedInstanceId(String value) {
        static final String PROPERTY = "coordinator.client.registration.instance-id";
    }

    /** The local copy, else (optional import) an empty source filled when a server answers, else a clear failure. */
    private ConfigData withoutServer(CoordinatorConfigDataResource resource, ConfigLocalCopy copy, String reason) {
        ConfigLocalCopy.Copy last = copy == null ? null : copy.read();
        if (last != null) {
            log.warn("Coordinator configuration " + resource.path() + ": " + reason + "; starting from the local copy "
                    + copy + " written " + last.written() + ". The server's values are applied as soon as it answers.");
            return new ConfigData(List.of(new CoordinatorPropertySource(
                    resource.path(),
                    last.snapshot(),
                    CoordinatorPropertySource.LOCAL_COPY,
                    last.written(),
                    copy,
                    resource.keys())));
        }
        if (resource.optionalLocation()) {
            log.warn("Coordinator configuration " + resource.path() + ": " + reason + " and no local copy"
                    + (copy == null ? " (local copies are off)" : " at " + copy)
                    + "; starting without it (optional:). Its values are applied as soon as a server answers.");
            return new ConfigData(List.of(new CoordinatorPropertySource(
                    resource.path(),
                    ConfigTree.Snapshot.EMPTY,
                    CoordinatorPropertySource.NONE,
                    null,
                    copy,
                    resource.keys())));
        }
        throw new CoordinatorConfigUnavailableException(
                "Coordinator configuration unavailable: " + reason
                        + " while loading " + resource.path()
                        + " (spring.config.import=coordinator:), and no local copy"
                        + (copy == null ? " (coordinator.client.config.local-copy-enabled=false)" : " at " + copy)
                        + ". Start the server, fix " + resource.connectProperty()
                        + ", or use spring.config.import=optional:coordinator: to start without it.",
                null);
    }

    /** One client per connect string for the duration of startup; an unreachable server is tried once. */
    static final class Clients {
        private final Map<String, CuratorFramework> clients = new ConcurrentHashMap<>();
        private final Map<String, Boolean> unreachable = new ConcurrentHashMap<>();

        synchronized CuratorFramework connected(CoordinatorConfigDataResource r) {
            if (unreachable.containsKey(r.connectString())) {
                return null;
            }
            CuratorFramework c = clients.get(r.connectString());
            if (c != null) {
                return c;
            }
            c = r.security()
                    .apply(CuratorFrameworkFactory.builder())
                    .connectString(r.connectString())
                    .zookeeperFactory(new QuickReconnectZookeeperFactory())
                    .sessionTimeoutMs((int) r.sessionTimeout().toMillis())
                    .connectionTimeoutMs((int) r.connectionTimeout().toMillis())
                    .retryPolicy(new RetryNTimes(3, 200))
                    .build();
            c.start();
            try {
                if (!c.blockUntilConnected((int) r.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    c.close();
                    unreachable.put(r.connectString(), true);
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.close();
                return null;
            }
            clients.put(r.connectString(), c);
            return c;
        }

        void close() {
            clients.values().forEach(CuratorFramework::close);
            clients.clear();
        }
    }
}
