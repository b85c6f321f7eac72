package io.coordinator.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything the starter reads, under {@code coordinator.client.*}. Bound once, through the constructor: the
 * client and the beans built on it are made from these values at startup and keep them.
 *
 * @param enabled Whether the starter is active at all; false creates no bean.
 * @param connectString ZooKeeper connect string of the Coordinator servers: host:port[,host:port...].
 * @param sessionTimeout Session timeout requested from the server; an instance that dies disappears after about
 *     this long.
 * @param connectionTimeout How long to wait for a connection (also at startup before giving up when fail-fast).
 * @param failFast Stop startup with a clear message when no server answers within the connection timeout.
 *     Default: true, except when spring.config.import uses optional:coordinator:, which asks to start without a
 *     server. Null when not set (see {@link CoordinatorClientAutoConfiguration#failFast}).
 * @param retry Curator's exponential back-off retry policy.
 * @param auth ZooKeeper digest credentials of every client the starter creates (the startup one included).
 * @param ssl TLS to the servers' secure client port, for every client the starter creates.
 * @param acl ACLs of the nodes the starter creates.
 * @param registration This instance's entry under /services.
 * @param discovery The watch-driven instance cache behind DiscoveryClient.
 * @param config Configuration loaded by spring.config.import=coordinator: and kept live.
 * @param lock @DistributedLock.
 * @param leader @LeaderOnly.
 */
@ConfigurationProperties(prefix = "coordinator.client")
public record CoordinatorClientProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1:2181") String connectString,
        @DefaultValue("10s") Duration sessionTimeout,
        @DefaultValue("10s") Duration connectionTimeout,
        Boolean failFast,
        @DefaultValue Retry retry,
        @DefaultValue Auth auth,
        @DefaultValue Ssl ssl,
        @DefaultValue Acl acl,
        @DefaultValue Registration registration,
        @DefaultValue Discovery discovery,
        @DefaultValue Config config,
        @DefaultValue Lock lock,
        @DefaultValue Leader leader) {

    /**
     * ZooKeeper digest credentials.
     *
     * @param username Digest user name; set with the password.
     * @param password Digest password; set with the user name.
     */
    public record Auth(String username, String password) {
        @Override
        public String toString() {
            return "Auth[username=" + username + ", password=" + (password == null ? null : "******") + "]";
        }
    }

    /**
     * TLS to the servers' secure client port.
     *
     * @param bundle Name of a Spring Boot SSL bundle, spring.ssl.bundle.jks.&lt;name&gt; or
     *     spring.ssl.bundle.pem.&lt;name&gt;, with file: locations.
     */
    public record Ssl(String bundle) {}

    /**
     * ACLs of the nodes the starter creates.
     *
     * @param mode OWNER: the creating identity may do everything, everyone may read (needs credentials); OPEN:
     *     anyone may do anything (ZooKeeper's OPEN_ACL_UNSAFE). Default: OWNER when credentials are set, else
     *     OPEN.
     */
    public record Acl(AclMode mode) {}

    public enum AclMode {
        OPEN,
        OWNER
    }

    /**
     * Curator's exponential back-off retry policy.
     *
     * @param baseSleep First sleep between retries.
     * @param maxSleep Longest sleep between retries.
     * @param maxRetries Retries of one operation before it fails.
     */
    public record Retry(
            @DefaultValue("100ms") Duration baseSleep,
            @DefaultValue("2s") Duration maxSleep,
            @DefaultValue("5") int maxRetries) {}

    /**
     * This instance's entry under {@code /services}.
     *
     * @param enabled Register this instance when it is ready for traffic.
     * @param serviceName Service type; defaults to spring.application.name.
     * @param instanceId Instance id; defaults to service name + '-' + a random UUID.
     * @param host Address callers use; defaults to the first non-loopback address as Spring Cloud Commons'
     *     InetUtils chooses it (spring.cloud.inetutils.* preferences apply).
     * @param port Port callers use; defaults to the local web server's port.
     * @param secure Whether callers should use https.
     * @param metadata Free-form metadata published with the instance.
     * @param zone Zone published in the metadata (key "zone").
     * @param weight Weight published in the metadata (key "weight").
     * @param deregisterDelay Time to wait after deregistering, before the web server starts draining, so callers
     *     notice.
     */
    public record Registration(
            @DefaultValue("true") boolean enabled,
            String serviceName,
            String instanceId,
            String host,
            Integer port,
            @DefaultValue("false") boolean secure,
            @DefaultValue Map<String, String> metadata,
            String zone,
            @DefaultValue("1") int weight,
            @DefaultValue("0") Duration deregisterDelay) {}

    /**
     * The watch-driven instance cache behind DiscoveryClient.
     *
     * @param enabled Provide DiscoveryClient / ReactiveDiscoveryClient.
     * @param root Root of the service registry (shared with registration).
     * @param localCopy Directory of the local copy of the discovered instances (services.json), written after
     *     every change and served at startup until a server answers. Default:
     *     ~/.coordinator/discovery-copies/&lt;spring.application.name&gt;.
     * @param localCopyEnabled Keep a local copy of the discovered instances at all.
     * @param protection Holding back instance lists that drop during an outage.
     */
    public record Discovery(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("/services") String root,
            String localCopy,
            @DefaultValue("true") boolean localCopyEnabled,
            @DefaultValue Protection protection) {}

    /**
     * Holding back a service's instance list that drops during an outage or right after the session is connected
     * again (until max-duration after it), in the spirit of Nacos's protect threshold.
     *
     * @param enabled Hold back such drops at all.
     * @param threshold A drop is held when fewer than this fraction of the instances known before the outage are
     *     live (an empty list always is); 0 holds only empty lists.
     * @param maxDuration How long a drop is held at most (then the live list is served as it is), and how long
     *     after the session is connected again a drop is still taken for a consequence of the outage.
     */
    public record Protection(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("0.5") double threshold,
            @DefaultValue("60s") Duration maxDuration) {}

    /**
     * Configuration loaded by spring.config.import=coordinator: and kept live.
     *
     * @param root Root of the configuration tree.
     * @param defaultContext Name of the shared context read by every application.
     * @param refreshEnabled Apply changes to the running application (re-inject @Value, re-bind
     *     @ConfigurationProperties).
     * @param localCopy Directory of the last known good copies of the imported contexts (one file per context),
     *     written on every change and read at startup when no server answers. Default:
     *     ~/.coordinator/config-copies/&lt;spring.application.name&gt;.
     * @param localCopyEnabled Keep local copies at all.
     */
    public record Config(
            @DefaultValue("/config") String root,
            @DefaultValue("application") String defaultContext,
            @DefaultValue("true") boolean refreshEnabled,
            String localCopy,
            @DefaultValue("true") boolean localCopyEnabled) {}

    /**
     * {@code @DistributedLock}.
     *
     * @param enabled Handle @DistributedLock methods.
     * @param root Parent of the lock nodes.
     */
    public record Lock(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("/locks") String root) {}

    /**
     * {@code @LeaderOnly}.
     *
     * @param enabled Handle @LeaderOnly methods.
     * @param root Parent of the leader latch nodes.
     */
    public record Leader(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("/leaders") String root) {}
}
