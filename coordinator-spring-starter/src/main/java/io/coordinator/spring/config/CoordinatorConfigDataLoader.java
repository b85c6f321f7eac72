package io.coordinator.spring.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;

/**
 * Loads a configuration context at startup with a short-lived client shared by the contexts of one startup
 * (closed with the bootstrap context). The running application then keeps the property sources current
 * ({@link CoordinatorConfigWatcher}).
 */
public class CoordinatorConfigDataLoader implements ConfigDataLoader<CoordinatorConfigDataResource> {

    @Override
    public ConfigData load(ConfigDataLoaderContext context, CoordinatorConfigDataResource resource) throws IOException {
        Clients clients = context.getBootstrapContext().isRegistered(Clients.class)
                ? context.getBootstrapContext().get(Clients.class) : null;
        if (clients == null) {
            clients = new Clients();
            Clients registered = clients;
            ((BootstrapRegistry) context.getBootstrapContext()).register(Clients.class,
                    BootstrapRegistry.InstanceSupplier.of(registered));
            ((BootstrapRegistry) context.getBootstrapContext()).addCloseListener(e -> registered.close());
        }
        CuratorFramework client = clients.connected(resource);
        if (client == null) {
            ConfigTree.Snapshot copy = readLocalCopy(resource);
            if (copy != null) {
                return new ConfigData(List.of(new CoordinatorPropertySource(resource.path(), copy, "local copy")));
            }
            String message = "Coordinator configuration unavailable: no server answered at " + resource.connectString()
                    + " within " + resource.connectionTimeout() + " while loading " + resource.path()
                    + " (spring.config.import=coordinator:). Start the server, fix coordinator.client.connect-string, "
                    + "or use spring.config.import=optional:coordinator: to start without it.";
            if (resource.optionalLocation()) {
                throw new ConfigDataResourceNotFoundException(resource, new IllegalStateException(message));
            }
            throw new CoordinatorConfigUnavailableException(message, null);
        }
        ConfigTree.Snapshot snapshot;
        try {
            snapshot = ConfigTree.read(client, resource.path());
        } catch (Exception e) {
            throw new CoordinatorConfigUnavailableException("Could not read " + resource.path() + " from "
                    + resource.connectString() + ": " + e.getMessage(), e);
        }
        writeLocalCopy(resource, snapshot);
        return new ConfigData(List.of(new CoordinatorPropertySource(resource.path(), snapshot, "server")));
    }

    private static Path copyFile(CoordinatorConfigDataResource resource) {
        if (resource.localCopy() == null || resource.localCopy().isBlank()) {
            return null;
        }
        String file = resource.path().replaceAll("[^A-Za-z0-9,._-]", "_") + ".properties";
        return Paths.get(resource.localCopy()).resolve(file);
    }

    private static void writeLocalCopy(CoordinatorConfigDataResource resource, ConfigTree.Snapshot snapshot) {
        Path file = copyFile(resource);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Properties p = new Properties();
            new TreeMap<>(snapshot.values()).forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
            p.setProperty("__coordinator.mzxid", Long.toString(snapshot.mzxid()));
            Path tmp = Files.createTempFile(file.getParent(), "copy", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "last known good copy of " + resource);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the copy is a convenience; never fail startup for it
        }
    }

    private static ConfigTree.Snapshot readLocalCopy(CoordinatorConfigDataResource resource) {
        Path file = copyFile(resource);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        long mzxid = Long.parseLong(p.getProperty("__coordinator.mzxid", "0"));
        p.remove("__coordinator.mzxid");
        Map<String, Object> values = new TreeMap<>();
        p.forEach((k, v) -> values.put(k.toString(), v));
        return new ConfigTree.Snapshot(Collections.unmodifiableMap(values), mzxid);
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
            c = CuratorFrameworkFactory.builder().connectString(r.connectString())
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
