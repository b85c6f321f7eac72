package io.coordinator.server.app;

import io.coordinator.server.net.TlsClientAuth;
import io.coordinator.server.web.WebProperties;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The server's settings, under {@code coordinator.*}. Unknown keys under the prefix and invalid values stop
 * the app at startup with a message naming the property.
 */
@ConfigurationProperties(prefix = "coordinator", ignoreUnknownFields = false)
@Validated
public class CoordinatorProperties {

    /** The four-letter words ZooKeeper knows (FourLetterCommands); all are enabled by default. */
    public static final Set<String> ALL_FOUR_LETTER_WORDS = Set.of(
            "ruok", "isro", "srvr", "stat", "mntr", "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "stmk",
            "srst", "wchs", "wchc", "wchp", "hash");

    /** TCP port for ZooKeeper clients; -1 = no plain port (then coordinator.secure-client-port must be set). */
    @Min(-1)
    @Max(65535)
    private int clientPort = 2181;

    /**
     * TCP port for ZooKeeper clients over TLS (ZooKeeper's secureClientPort), beside or instead of the plain
     * one; 0 = none. Needs coordinator.ssl.client-bundle.
     */
    @Min(0)
    @Max(65535)
    private int secureClientPort = 0;

    /** TLS for the secure client port and between ensemble members ({@code coordinator.ssl.*}). */
    private final Ssl ssl = new Ssl();

    /** Address the client port binds to. Loopback by default; set 0.0.0.0 to serve other hosts. */
    @NotBlank
    private String clientAddress = "127.0.0.1";

    /** Directory for the transaction log and snapshots. */
    @NotBlank
    private String dataDir = "./data";

    /** The basic time unit in milliseconds; session timeouts are negotiated in [2, 20] ticks by default. */
    @Min(1)
    private int tickTime = 2000;

    /** Smallest session timeout granted, in ms; -1 means 2 x tick-time. */
    @Min(-1)
    private int minSessionTimeout = -1;

    /** Largest session timeout granted, in ms; -1 means 20 x tick-time. */
    @Min(-1)
    private int maxSessionTimeout = -1;

    /** Concurrent client connections allowed from one IP address; 0 = unlimited. */
    @Min(0)
    private int maxClientConnections = 60;

    /** Largest frame accepted from a client, in bytes (ZooKeeper's jute.maxbuffer). */
    @Min(1024)
    private int maxPacketSize = 0xfffff;

    /**
     * Requests one connection may have awaiting replies; beyond this the server stops reading from it until
     * replies drain (back-pressure: nothing is dropped). Pings and auth do not count.
     */
    @Min(1)
    private int maxOutstandingRequestsPerConnection = 1000;

    /**
     * Most watches one session may hold; 0 = unlimited (ZooKeeper has no such limit). A request that would
     * arm one more fails with BADARGUMENTS and is not executed.
     */
    @Min(0)
    private int maxWatchesPerSession = 0;

    /** How many snapshots (and the logs they need) are kept. */
    @Min(1)
    private int snapshotRetainCount = 3;

    /** A snapshot is taken after about this many txns. */
    @Min(1)
    private long snapshotEveryTxns = 100_000;

    /** Four-letter words answered on the client port; "*" enables all. */
    @NotEmpty
    private List<String> fourLetterWords = List.of("*");

    /** "super:&lt;base64 sha1&gt;": a digest identity that bypasses every ACL (as zookeeper.DigestAuthenticationProvider.superDigest). */
    private String superDigest;

    /** Allow TTL nodes (ZooKeeper's zookeeper.extendedTypesEnabled). */
    private boolean ttlNodesEnabled = false;

    /**
     * Refuse writes over a hard quota with QUOTAEXCEEDED. Off by default, as in ZooKeeper (zookeeper.enforceQuota),
     * where quotas are only logged: a migrated ensemble keeps accepting what ZooKeeper accepted.
     */
    private boolean enforceQuota = false;

    /** How often empty containers and expired TTL nodes are looked for. */
    private Duration containerCheckInterval = Duration.ofSeconds(60);

    /** Most container/TTL deletions per check. */
    @Min(1)
    private int maxContainerDeletesPerMinute = 10_000;

    /** Secret (16+ characters) that session passwords are derived from; generated into the data dir when unset. */
    private String sessionSecret;

    /** Start from a ZooKeeper zoo.cfg (and the myid beside its dataDir) instead of these properties. */
    private String zooCfg;

    /**
     * Where Apache ZooKeeper kept its transaction logs (zoo.cfg dataLogDir) when not in the data dir: read once,
     * when the data dir's ZooKeeper state is taken over.
     */
    private String zookeeperDataLogDir;

    /** This server's id in the ensemble (1..254); required with an ensemble. */
    @Min(0)
    @Max(254)
    private int serverId = 0;

    /**
     * The ensemble, comma-separated, in zoo.cfg's server.N syntax:
     * ID=HOST:QUORUM_PORT:ELECTION_PORT[:participant|:observer][;CLIENT_PORT]. Empty = standalone.
     */
    private String ensemble = "";

    /**
     * Without a quorum, keep answering reads to clients that allow read-only servers, refusing writes with
     * NOTREADONLY (ZooKeeper's readonlymode.enabled).
     */
    private boolean readOnlyModeEnabled = false;

    /**
     * Bind the quorum and election ports on every interface instead of this member's ensemble address (ZooKeeper's
     * quorumListenOnAllIPs): for containers, where that name may not resolve to a local address at startup.
     */
    private boolean quorumListenOnAllIps = false;

    /** Ticks a follower may take to connect to and sync with a new leader. */
    @Min(1)
    private int initLimit = 10;

    /** Ticks a follower may be silent (or out of date) before it is dropped. */
    @Min(1)
    private int syncLimit = 5;

    /** The parsed ensemble; empty for a standalone server. */
    /** REST API, console users and configuration history ({@code coordinator.web.*}). */
    @org.springframework.boot.context.properties.NestedConfigurationProperty
    private final WebProperties web = new WebProperties();

    public WebProperties getWeb() {
        return web;
    }

    /** The audit log ({@code coordinator.audit.*}): JSON lines to the logger {@code coordinator.audit}. */
    @org.springframework.boot.context.properties.NestedConfigurationProperty
    private final Audit audit = new Audit();

    public Audit getAudit() {
        return audit;
    }

    public static class Audit {
        /**
         * Audit every write of the client port (create, delete, setData, setAcl, multi, reconfig, createSession,
         * closeSession) on the server that answers it. Off by default, like ZooKeeper's {@code audit.enable}.
         */
        private boolean enabled = false;

        /**
         * Audit every change made through the REST API or the console: configuration publish and rollback, znode
         * create, update and delete.
         */
        private boolean rest = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isRest() {
            return rest;
        }

        public void setRest(boolean rest) {
            this.rest = rest;
        }
    }

    /** Fault injection for the trust harness ({@code coordinator.testing.*}); all off unless set. */
    @org.springframework.boot.context.properties.NestedConfigurationProperty
    private final Testing testing = new Testing();

    public Testing getTesting() {
        return testing;
    }

    public static class Testing {
        /**
         * A control file that injects storage faults (slow or failing fsync) into the log and snapshots, for
         * fault-injection tests of a real process. Unset in production: no fault hook is installed at all.
         */
        private String storageFaultsFile;

        public String getStorageFaultsFile() {
            return storageFaultsFile;
        }

        public void setStorageFaultsFile(String storageFaultsFile) {
            this.storageFaultsFile = storageFaultsFile;
        }

        /**
         * A control file holding a signed offset (ms) added to the wall clock the server uses for txn times
         * (ctime/mtime) and TTL-node expiry, for clock-jump tests of a real process. Unset in production: the
         * server reads {@code System.currentTimeMillis()} directly.
         */
        private String clockOffsetFile;

        public String getClockOffsetFile() {
            return clockOffsetFile;
        }

        public void setClockOffsetFile(String clockOffsetFile) {
            this.clockOffsetFile = clockOffsetFile;
        }
    }

    public List<EnsembleMember> ensembleMembers() {
        return EnsembleMember.parseAll(ensemble);
    }

    public boolean isStandalone() {
        return ensemble == null || ensemble.isBlank();
    }

    @AssertTrue(
            message =
                    "coordinator.ensemble must look like ID=HOST:QUORUM_PORT:ELECTION_PORT[:participant|:observer][;CLIENT_PORT], comma-separated, with unique ids in 1..254")
    public boolean isEnsembleValid() {
        try {
            ensembleMembers();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @AssertTrue(message = "coordinator.server-id must name a server of coordinator.ensemble")
    public boolean isServerIdInEnsemble() {
        if (isStandalone()) {
            return true;
        }
        try {
            return ensembleMembers().stream().anyMatch(m -> m.id() == serverId);
        } catch (IllegalArgumentException e) {
            return true; // reported by isEnsembleValid
        }
    }

    @AssertTrue(message = "coordinator.ensemble needs at least one participant (voting) server")
    public boolean isEnsembleHasVoters() {
        try {
            return isStandalone() || ensembleMembers().stream().anyMatch(m -> !m.observer());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    public int getServerId() {
        return serverId;
    }

    public void setServerId(int serverId) {
        this.serverId = serverId;
    }

    public String getEnsemble() {
        return ensemble;
    }

    public void setEnsemble(String ensemble) {
        this.ensemble = ensemble;
    }

    public boolean isReadOnlyModeEnabled() {
        return readOnlyModeEnabled;
    }

    public void setReadOnlyModeEnabled(boolean readOnlyModeEnabled) {
        this.readOnlyModeEnabled = readOnlyModeEnabled;
    }

    public boolean isQuorumListenOnAllIps() {
        return quorumListenOnAllIps;
    }

    public void setQuorumListenOnAllIps(boolean quorumListenOnAllIps) {
        this.quorumListenOnAllIps = quorumListenOnAllIps;
    }

    public int getInitLimit() {
        return initLimit;
    }

    public void setInitLimit(int initLimit) {
        this.initLimit = initLimit;
    }

    public int getSyncLimit() {
        return syncLimit;
    }

    public void setSyncLimit(int syncLimit) {
        this.syncLimit = syncLimit;
    }

    @AssertTrue(
            message =
                    "coordinator.secure-client-port needs coordinator.ssl.client-bundle: the name of a "
                            + "spring.ssl.bundle.jks.<name> or spring.ssl.bundle.pem.<name> holding the server's key and certificate")
    public boolean isSecureClientPortHasBundle() {
        return secureClientPort == 0 || !isBlank(ssl.clientBundle);
    }

    @AssertTrue(
            message = "coordinator.ssl.client-bundle is set but coordinator.secure-client-port is not: "
                    + "set the port to serve TLS clients, or remove the bundle")
    public boolean isClientBundleHasSecurePort() {
        return isBlank(ssl.clientBundle) || secureClientPort > 0;
    }

    @AssertTrue(message = "coordinator.secure-client-port must differ from coordinator.client-port")
    public boolean isClientPortsDistinct() {
        return secureClientPort == 0 || secureClientPort != clientPort;
    }

    @AssertTrue(
            message =
                    "coordinator.client-port=-1 turns the plain client port off, so coordinator.secure-client-port must be set")
    public boolean isSomeClientPortOpen() {
        return clientPort >= 0 || secureClientPort > 0;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @AssertTrue(message = "coordinator.super-digest must look like 'super:<base64 sha1>'")
    public boolean isSuperDigestValid() {
        return superDigest == null || superDigest.isBlank() || superDigest.matches("[^:]+:[A-Za-z0-9+/=]{27,28}");
    }

    @AssertTrue(
            message =
                    "coordinator.four-letter-words has an unknown word (known: ruok isro srvr stat mntr conf cons crst dirs dump envi gtmk stmk srst wchs wchc wchp hash, or *)")
    public boolean isFourLetterWordsValid() {
        return fourLetterWords.stream()
                .map(String::trim)
                .allMatch(w -> w.equals("*") || ALL_FOUR_LETTER_WORDS.contains(w));
    }

    @AssertTrue(message = "coordinator.min-session-timeout must not exceed coordinator.max-session-timeout")
    public boolean isSessionTimeoutRangeValid() {
        return effectiveMinSessionTimeout() <= effectiveMaxSessionTimeout();
    }

    @AssertTrue(message = "coordinator.session-secret must have at least 16 characters")
    public boolean isSessionSecretValid() {
        return sessionSecret == null || sessionSecret.length() >= 16;
    }

    public int effectiveMinSessionTimeout() {
        return minSessionTimeout < 0 ? 2 * tickTime : minSessionTimeout;
    }

    public int effectiveMaxSessionTimeout() {
        return maxSessionTimeout < 0 ? 20 * tickTime : maxSessionTimeout;
    }

    public Set<String> enabledFourLetterWords() {
        if (fourLetterWords.stream().anyMatch(w -> w.trim().equals("*"))) {
            return Set.of("*");
        }
        return Set.copyOf(fourLetterWords.stream().map(String::trim).toList());
    }

    public int getClientPort() {
        return clientPort;
    }

    public int getSecureClientPort() {
        return secureClientPort;
    }

    public void setSecureClientPort(int secureClientPort) {
        this.secureClientPort = secureClientPort;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public void setClientPort(int clientPort) {
        this.clientPort = clientPort;
    }

    public String getClientAddress() {
        return clientAddress;
    }

    public void setClientAddress(String clientAddress) {
        this.clientAddress = clientAddress;
    }

    public String getDataDir() {
        return dataDir;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public int getTickTime() {
        return tickTime;
    }

    public void setTickTime(int tickTime) {
        this.tickTime = tickTime;
    }

    public int getMinSessionTimeout() {
        return minSessionTimeout;
    }

    public void setMinSessionTimeout(int minSessionTimeout) {
        this.minSessionTimeout = minSessionTimeout;
    }

    public int getMaxSessionTimeout() {
        return maxSessionTimeout;
    }

    public void setMaxSessionTimeout(int maxSessionTimeout) {
        this.maxSessionTimeout = maxSessionTimeout;
    }

    public int getMaxClientConnections() {
        return maxClientConnections;
    }

    public void setMaxClientConnections(int maxClientConnections) {
        this.maxClientConnections = maxClientConnections;
    }

    public int getMaxPacketSize() {
        return maxPacketSize;
    }

    public void setMaxPacketSize(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    public int getMaxOutstandingRequestsPerConnection() {
        return maxOutstandingRequestsPerConnection;
    }

    public void setMaxOutstandingRequestsPerConnection(int maxOutstandingRequestsPerConnection) {
        this.maxOutstandingRequestsPerConnection = maxOutstandingRequestsPerConnection;
    }

    public int getMaxWatchesPerSession() {
        return maxWatchesPerSession;
    }

    public void setMaxWatchesPerSession(int maxWatchesPerSession) {
        this.maxWatchesPerSession = maxWatchesPerSession;
    }

    public int getSnapshotRetainCount() {
        return snapshotRetainCount;
    }

    public void setSnapshotRetainCount(int snapshotRetainCount) {
        this.snapshotRetainCount = snapshotRetainCount;
    }

    public long getSnapshotEveryTxns() {
        return snapshotEveryTxns;
    }

    public void setSnapshotEveryTxns(long snapshotEveryTxns) {
        this.snapshotEveryTxns = snapshotEveryTxns;
    }

    public List<String> getFourLetterWords() {
        return fourLetterWords;
    }

    public void setFourLetterWords(List<String> fourLetterWords) {
        this.fourLetterWords = fourLetterWords;
    }

    public String getSuperDigest() {
        return superDigest;
    }

    public void setSuperDigest(String superDigest) {
        this.superDigest = superDigest;
    }

    public boolean isTtlNodesEnabled() {
        return ttlNodesEnabled;
    }

    public void setTtlNodesEnabled(boolean ttlNodesEnabled) {
        this.ttlNodesEnabled = ttlNodesEnabled;
    }

    public boolean isEnforceQuota() {
        return enforceQuota;
    }

    public void setEnforceQuota(boolean enforceQuota) {
        this.enforceQuota = enforceQuota;
    }

    public Duration getContainerCheckInterval() {
        return containerCheckInterval;
    }

    public void setContainerCheckInterval(Duration containerCheckInterval) {
        this.containerCheckInterval = containerCheckInterval;
    }

    public int getMaxContainerDeletesPerMinute() {
        return maxContainerDeletesPerMinute;
    }

    public void setMaxContainerDeletesPerMinute(int maxContainerDeletesPerMinute) {
        this.maxContainerDeletesPerMinute = maxContainerDeletesPerMinute;
    }

    public String getSessionSecret() {
        return sessionSecret;
    }

    public void setSessionSecret(String sessionSecret) {
        this.sessionSecret = sessionSecret;
    }

    public String getZookeeperDataLogDir() {
        return zookeeperDataLogDir;
    }

    public void setZookeeperDataLogDir(String zookeeperDataLogDir) {
        this.zookeeperDataLogDir = zookeeperDataLogDir;
    }

    public String getZooCfg() {
        return zooCfg;
    }

    public void setZooCfg(String zooCfg) {
        this.zooCfg = zooCfg;
    }

    /** TLS key material, by Spring Boot SSL bundle name ({@code spring.ssl.bundle.jks.*} / {@code .pem.*}). */
    public static class Ssl {

        /** SSL bundle with the secure client port's key and certificate (and, for client-auth, the trusted CAs). */
        private String clientBundle;

        /** Whether TLS clients must present a certificate trusted by the client bundle's trust store. */
        private TlsClientAuth clientAuth = TlsClientAuth.NONE;

        /**
         * SSL bundle for the links between ensemble members; when set, every quorum and election connection is
         * mutual TLS: each member presents this key and accepts only peers whose certificate the bundle's trust
         * store trusts. All members must set it.
         */
        private String quorumBundle;

        /** Whether a member checks that a peer's certificate names the host it dialled (ssl.quorum.hostnameVerification). */
        private boolean quorumHostnameVerification = true;

        public String getClientBundle() {
            return clientBundle;
        }

        public void setClientBundle(String clientBundle) {
            this.clientBundle = clientBundle;
        }

        public TlsClientAuth getClientAuth() {
            return clientAuth;
        }

        public void setClientAuth(TlsClientAuth clientAuth) {
            this.clientAuth = clientAuth;
        }

        public String getQuorumBundle() {
            return quorumBundle;
        }

        public void setQuorumBundle(String quorumBundle) {
            this.quorumBundle = quorumBundle;
        }

        public boolean isQuorumHostnameVerification() {
            return quorumHostnameVerification;
        }

        public void setQuorumHostnameVerification(boolean quorumHostnameVerification) {
            this.quorumHostnameVerification = quorumHostnameVerification;
        }
    }
}
