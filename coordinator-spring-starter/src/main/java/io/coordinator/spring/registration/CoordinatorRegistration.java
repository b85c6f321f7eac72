package io.coordinator.spring.registration;

import io.coordinator.config.format.gray.InstanceFacts;
import io.coordinator.spring.autoconfigure.CoordinatorClientProperties;
import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.autoconfigure.InstanceFactsOf;
import io.coordinator.spring.config.CoordinatorConfigChangedEvent;
import io.coordinator.spring.config.CoordinatorConfigWatcher;
import io.coordinator.spring.config.CoordinatorPropertySource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.StringUtils;

/**
 * Registers this instance when the application is ready for traffic, as an ephemeral node
 * {@code /services/<type>/<instance-id>} kept by Curator's {@link PersistentNode} (so it is re-created after a
 * session expiry), and removes it as soon as the application starts refusing traffic: on the
 * REFUSING_TRAFFIC readiness event, or at the latest in {@link #stop()}, whose phase runs before the web
 * server's graceful shutdown. The optional deregister delay is spent there, while the server still accepts.
 */
public class CoordinatorRegistration
        implements SmartLifecycle, GenericApplicationListener, ApplicationEventPublisherAware {
    /** Stops before {@code WebServerGracefulShutdownLifecycle} (DEFAULT_PHASE - 1024) starts draining. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Log log = LogFactory.getLog(CoordinatorRegistration.class);

    private final CuratorFramework client;
    private final CoordinatorClientProperties properties;
    private final CoordinatorIdentity identity;
    private final Environment environment;
    private final Supplier<String> defaultHost;
    private final CoordinatorConfigWatcher configWatcher;
    private final AtomicReference<PersistentNode> node = new AtomicReference<>();
    private volatile boolean running;
    private volatile boolean delayed;
    private volatile String host;
    private volatile int port;
    private ApplicationEventPublisher publisher;

    /**
     * @param defaultHost the address to publish when coordinator.client.registration.host is not set (asked
     *        once, when registering)
     */
    public CoordinatorRegistration(
            CuratorFramework client,
            CoordinatorClientProperties properties,
            CoordinatorIdentity identity,
            Environment environment,
            Supplier<String> defaultHost) {
        this(client, properties, identity, environment, defaultHost, null);
    }

    /**
     * @param configWatcher told the address this instance registered with, for gray release selectors by address
     *     (null: no live configuration)
     */
    public CoordinatorRegistration(
            CuratorFramework client,
            CoordinatorClientProperties properties,
            CoordinatorIdentity identity,
            Environment environment,
            Supplier<String> defaultHost,
            CoordinatorConfigWatcher configWatcher) {
        this.configWatcher = configWatcher;
        this.client = client;
        this.properties = properties;
        this.identity = identity;
        this.environment = environment;
        this.defaultHost = defaultHost;
    }

    @Override
    public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public boolean supportsEventType(ResolvableType eventType) {
        Class<?> raw = eventType.getRawClass();
        return raw != null
                && (ApplicationReadyEvent.class.isAssignableFrom(raw)
                        || AvailabilityChangeEvent.class.isAssignableFrom(raw)
                        || CoordinatorConfigChangedEvent.class.isAssignableFrom(raw));
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent) {
            if (running) {
                register();
            }
        } else if (event instanceof AvailabilityChangeEvent<?> change
                && change.getState() == ReadinessState.REFUSING_TRAFFIC) {
            deregister();
        } else if (event instanceof CoordinatorConfigChangedEvent) {
            rewrite(); // the instance now runs another configuration version: say so in its registration
        }
    }

    /**
     * The configuration each context this instance runs, as metadata {@code config.<context>} = the hex zxid of its
     * version (the largest zxid the starter read in it, its gray release node included), so the server can show
     * which instance runs which version; and {@code gray.<context>} = the release id while it runs a gray release.
     */
    Map<String, String> configVersions() {
        Map<String, String> out = new TreeMap<>();
        if (environment instanceof ConfigurableEnvironment env) {
            for (PropertySource<?> ps : env.getPropertySources()) {
                if (ps instanceof CoordinatorPropertySource c) {
                    String context = ZKPaths.getNodeFromPath(c.path());
                    if (c.version() > 0) {
                        out.put(CONFIG_PREFIX + context, "0x" + Long.toHexString(c.version()));
                    }
                    if (c.gray().applied() != null) {
                        out.put(GRAY_PREFIX + context, c.gray().applied());
                    }
                }
            }
        }
        return out;
    }

    /** Metadata keys of the configuration versions ({@link #configVersions()}). */
    public static final String CONFIG_PREFIX = "config.";

    /** Metadata keys of the gray releases this instance runs ({@link #configVersions()}). */
    public static final String GRAY_PREFIX = "gray.";

    /** This instance as gray release selectors see it: the address it registered with (0 port when not yet). */
    public InstanceFacts facts() {
        return InstanceFactsOf.of(identity.serviceName(), identity.instanceId(), properties.registration(), host, port);
    }

    private volatile long registeredAt;

    private byte[] registrationData() {
        CoordinatorClientProperties.Registration r = properties.registration();
        Map<String, String> metadata = new LinkedHashMap<>(InstanceFactsOf.metadata(r));
        metadata.putAll(configVersions());
        return ServiceInstanceJson.write(
                identity.serviceName(), identity.instanceId(), host, port, r.secure(), metadata, registeredAt);
    }

    /** Writes the registration again (same node, same registration time) with the current metadata. */
    private synchronized void rewrite() {
        PersistentNode n = node.get();
        if (n == null) {
            return;
        }
        try {
            n.setData(registrationData());
        } catch (Exception e) {
            log.warn("Could not update the registration " + path() + " with the configuration versions: " + e);
        }
    }

    public String path() {
        return ZKPaths.makePath(properties.discovery().root(), identity.serviceName(), identity.instanceId());
    }

    /** Creates the node (idempotent). */
    public synchronized void register() {
        if (node.get() != null) {
            return;
        }
        CoordinatorClientProperties.Registration r = properties.registration();
        Integer p = r.port() != null ? r.port() : environment.getProperty("local.server.port", Integer.class);
        if (p == null) {
            log.info("Not registering " + identity + ": no web server port (set coordinator.client.registration.port)");
            return;
        }
        host = StringUtils.hasText(r.host()) ? r.host() : defaultHost.get();
        port = p;
        registeredAt = System.currentTimeMillis();
        byte[] data = registrationData();
        PersistentNode n = new PersistentNode(client, CreateMode.EPHEMERAL, false, path(), data);
        n.start();
        node.set(n);
        try {
            if (!n.waitForInitialCreate(properties.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Registration of " + path() + " not confirmed yet; it will be created when connected");
            } else {
                log.info("Registered " + identity + " at " + host + ":" + port + " (" + path() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (configWatcher != null) {
            configWatcher.useInstanceFacts(this::facts); // an address selector may match now
        }
        if (publisher != null) {
            publisher.publishEvent(new CoordinatorRegistrationEvent(this, identity, true));
            // Spring Cloud's discovery health indicator waits for this one
            publisher.publishEvent(new InstanceRegisteredEvent<>(this, describe()));
        }
    }

    /** Deletes the node (idempotent); publishes a {@link CoordinatorRegistrationEvent} synchronously. */
    public void deregister() {
        PersistentNode n;
        synchronized (this) {
            n = node.getAndSet(null);
        }
        if (n == null) {
            return;
        }
        try {
            n.close();
            log.info("Deregistered " + identity + " (" + path() + ")");
        } catch (Exception e) {
            log.warn("Deregistration of " + path() + " failed; the node goes with the session", e);
        }
        if (publisher != null) {
            publisher.publishEvent(new CoordinatorRegistrationEvent(this, identity, false));
        }
    }

    public boolean isRegistered() {
        return node.get() != null;
    }

    /** Status for the actuator endpoint. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serviceName", identity.serviceName());
        m.put("instanceId", identity.instanceId());
        m.put("path", path());
        m.put("registered", isRegistered());
        m.put("host", host);
        m.put("port", port);
        try {
            Stat stat = isRegistered() ? client.checkExists().forPath(path()) : null;
            m.put("nodePresent", stat != null);
            if (stat != null) {
                m.put("ephemeralOwner", "0x" + Long.toHexString(stat.getEphemeralOwner()));
            }
        } catch (Exception e) {
            m.put("nodePresent", "unknown: " + e.getMessage());
        }
        return m;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        boolean wasRegistered = isRegistered();
        deregister();
        running = false;
        Duration delay = properties.registration().deregisterDelay();
        if ((wasRegistered || !delayed) && !delay.isZero() && !delay.isNegative()) {
            delayed = true;
            try {
                // Callers need time to see the deletion; the web server keeps serving meanwhile.
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
