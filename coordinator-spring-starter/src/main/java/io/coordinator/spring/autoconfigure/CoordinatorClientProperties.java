package io.coordinator.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Everything the starter reads, under {@code coordinator.client.*}. */
@ConfigurationProperties(prefix = "coordinator.client")
public class CoordinatorClientProperties {

    /** Whether the starter is active at all; {@code false} creates no bean. */
    private boolean enabled = true;

    /** ZooKeeper connect string of the Coordinator servers: host:port[,host:port...]. */
    private String connectString = "127.0.0.1:2181";

    /** Session timeout requested from the server; an instance that dies disappears after about this long. */
    private Duration sessionTimeout = Duration.ofSeconds(10);

    /** How long to wait for a connection (also at startup before giving up when fail-fast). */
    private Duration connectionTimeout = Duration.ofSeconds(10);

    /**
     * Stop startup with a clear message when no server answers within the connection timeout. Default: true,
     * except when spring.config.import uses optional:coordinator:, which asks to start without a server.
     */
    private Boolean failFast;

    private final Retry retry = new Retry();

    private final Auth auth = new Auth();

    private final Ssl ssl = new Ssl();

    private final Acl acl = new Acl();

    private final Registration registration = new Registration();

    private final Discovery discovery = new Discovery();

    private final Config config = new Config();

    private final Lock lock = new Lock();

    private final Leader leader = new Leader();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getConnectString() {
        return connectString;
    }

    public void setConnectString(String connectString) {
        this.connectString = connectString;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }
    /** As set, or null when not set (see {@link CoordinatorClientAutoConfiguration#failFast}). */
    public Boolean getFailFast() {
        return failFast;
    }

    public void setFailFast(Boolean failFast) {
        this.failFast = failFast;
    }

    public Retry getRetry() {
        return retry;
    }

    public Auth getAuth() {
        return auth;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Acl getAcl() {
        return acl;
    }

    public Registration getRegistration() {
        return registration;
    }

    public Discovery getDiscovery() {
        return discovery;
    }

    public Config getConfig() {
        return config;
    }

    public Lock getLock() {
        return lock;
    }

    public Leader getLeader() {
        return leader;
    }

    /** ZooKeeper digest credentials of every client the starter creates (the startup one included). */
    public static class Auth {
        /** Digest user name; set with the password. */
        private String username;
        /** Digest password; set with the user name. */
        private String password;

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** TLS to the servers' secure client port, for every client the starter creates (the startup one included). */
    public static class Ssl {
        /** Name of a Spring Boot SSL bundle, spring.ssl.bundle.jks.&lt;name&gt; or spring.ssl.bundle.pem.&lt;name&gt;, with file: locations. */
        private String bundle;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** ACLs of the nodes the starter creates. */
    public static class Acl {
        /**
         * OWNER: the creating identity may do everything, everyone may read (needs credentials); OPEN: anyone may
         * do anything (ZooKeeper's OPEN_ACL_UNSAFE). Default: OWNER when credentials are set, else OPEN.
         */
        private AclMode mode;

        public AclMode getMode() {
            return mode;
        }

        public void setMode(AclMode mode) {
            this.mode = mode;
        }
    }

    public enum AclMode {
        OPEN,
        OWNER
    }

    /** Curator's exponential back-off retry policy. */
    public static class Retry {
        /** First sleep between retries. */
        private Duration baseSleep = Duration.ofMillis(100);
        /** Longest sleep between retries. */
        private Duration maxSleep = Duration.ofSeconds(2);
        /** Retries of one operation before it fails. */
        private int maxRetries = 5;

        public Duration getBaseSleep() {
            return baseSleep;
        }

        public void setBaseSleep(Duration baseSleep) {
            this.baseSleep = baseSleep;
        }

        public Duration getMaxSleep() {
            return maxSleep;
        }

        public void setMaxSleep(Duration maxSleep) {
            this.maxSleep = maxSleep;
        }

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }
    }

    /** This instance's entry under {@code /services}. */
    public static class Registration {
        /** Register this instance when it is ready for traffic. */
        private boolean enabled = true;
        /** Service type; defaults to spring.application.name. */
        private String serviceName;
        /** Instance id; defaults to service name + '-' + a random UUID. */
        private String instanceId;
        /**
         * Address callers use; defaults to the first non-loopback address as Spring Cloud Commons' InetUtils
         * chooses it (spring.cloud.inetutils.* preferences apply).
         */
        private String host;
        /** Port callers use; defaults to the local web server's port. */
        private Integer port;
        /** Whether callers should use https. */
        private boolean secure = false;
        /** Free-form metadata published with the instance. */
        private Map<String, String> metadata = new LinkedHashMap<>();
        /** Zone published in the metadata (key "zone"). */
        private String zone;
        /** Weight published in the metadata (key "weight"). */
        private int weight = 1;
        /** Time to wait after deregistering, before the web server starts draining, so callers notice. */
        private Duration deregisterDelay = Duration.ZERO;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getServiceName() {
            return serviceName;
        }

        public void setServiceName(String serviceName) {
            this.serviceName = serviceName;
        }

        public String getInstanceId() {
            return instanceId;
        }

        public void setInstanceId(String instanceId) {
            this.instanceId = instanceId;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public boolean isSecure() {
            return secure;
        }

        public void setSecure(boolean secure) {
            this.secure = secure;
        }

        public Map<String, String> getMetadata() {
            return metadata;
        }

        public void setMetadata(Map<String, String> metadata) {
            this.metadata = metadata;
        }

        public String getZone() {
            return zone;
        }

        public void setZone(String zone) {
            this.zone = zone;
        }

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }

        public Duration getDeregisterDelay() {
            return deregisterDelay;
        }

        public void setDeregisterDelay(Duration deregisterDelay) {
            this.deregisterDelay = deregisterDelay;
        }
    }

    /** The watch-driven instance cache behind DiscoveryClient. */
    public static class Discovery {
        /** Provide DiscoveryClient / ReactiveDiscoveryClient. */
        private boolean enabled = true;
        /** Root of the service registry (shared with registration). */
        private String root = "/services";
        /**
         * Directory of the local copy of the discovered instances (services.json), written after every change and
         * served at startup until a server answers. Default: ~/.coordinator/discovery-copies/&lt;spring.application.name&gt;.
         */
        private String localCopy;
        /** Keep a local copy of the discovered instances at all. */
        private boolean localCopyEnabled = true;

        private final Protection protection = new Protection();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }

        public String getLocalCopy() {
            return localCopy;
        }

        public void setLocalCopy(String localCopy) {
            this.localCopy = localCopy;
        }

        public boolean isLocalCopyEnabled() {
            return localCopyEnabled;
        }

        public void setLocalCopyEnabled(boolean localCopyEnabled) {
            this.localCopyEnabled = localCopyEnabled;
        }

        public Protection getProtection() {
            return protection;
        }
    }

    /**
     * Holding back a service's instance list that drops during an outage or right after the session is connected
     * again (until max-duration after it), in the spirit of Nacos's protect threshold.
     */
    public static class Protection {
        /** Hold back such drops at all. */
        private boolean enabled = true;
        /**
         * A drop is held when fewer than this fraction of the instances known before the outage are live (an empty
         * list always is); 0 holds only empty lists.
         */
        private double threshold = 0.5;
        /**
         * How long a drop is held at most (then the live list is served as it is), and how long after the session is
         * connected again a drop is still taken for a consequence of the outage.
         */
        private Duration maxDuration = Duration.ofSeconds(60);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getThreshold() {
            return threshold;
        }

        public void setThreshold(double threshold) {
            this.threshold = threshold;
        }

        public Duration getMaxDuration() {
            return maxDuration;
        }

        public void setMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
        }
    }

    /** Configuration loaded by spring.config.import=coordinator: and kept live. */
    public static class Config {
        /** Root of the configuration tree. */
        private String root = "/config";
        /** Name of the shared context read by every application. */
        private String defaultContext = "application";
        /** Apply changes to the running application (re-inject @Value, re-bind @ConfigurationProperties). */
        private boolean refreshEnabled = true;
        /**
         * Directory of the last known good copies of the imported contexts (one file per context), written on every
         * change and read at startup when no server answers. Default: ~/.coordinator/config-copies/&lt;spring.application.name&gt;.
         */
        private String localCopy;
        /** Keep local copies at all. */
        private boolean localCopyEnabled = true;

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }

        public String getDefaultContext() {
            return defaultContext;
        }

        public void setDefaultContext(String defaultContext) {
            this.defaultContext = defaultContext;
        }

        public boolean isRefreshEnabled() {
            return refreshEnabled;
        }

        public void setRefreshEnabled(boolean refreshEnabled) {
            this.refreshEnabled = refreshEnabled;
        }

        public String getLocalCopy() {
            return localCopy;
        }

        public void setLocalCopy(String localCopy) {
            this.localCopy = localCopy;
        }

        public boolean isLocalCopyEnabled() {
            return localCopyEnabled;
        }

        public void setLocalCopyEnabled(boolean localCopyEnabled) {
            this.localCopyEnabled = localCopyEnabled;
        }
    }

    /** {@code @DistributedLock}. */
    public static class Lock {
        /** Handle @DistributedLock methods. */
        private boolean enabled = true;
        /** Parent of the lock nodes. */
        private String root = "/locks";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }
    }

    /** {@code @LeaderOnly}. */
    public static class Leader {
        /** Handle @LeaderOnly methods. */
        private boolean enabled = true;
        /** Parent of the leader latch nodes. */
        private String root = "/leaders";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getRoot() {
            return root;
        }

        public void setRoot(String root) {
            this.root = root;
        }
    }
}
