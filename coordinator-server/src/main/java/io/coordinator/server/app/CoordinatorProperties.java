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
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The server's settings, under {@code coordinator.*}, bound once through the constructor (the server is built
 * from them at startup). Unknown keys under the prefix and invalid values stop the app at startup with a
 * message naming the property.
 *
 * @param clientPort TCP port for ZooKeeper clients; -1 = no plain port (then coordinator.secure-client-port must
 *     be set).
 * @param secureClientPort TCP port for ZooKeeper clients over TLS (ZooKeeper's secureClientPort), beside or
 *     instead of the plain one; 0 = none. Needs coordinator.ssl.client-bundle.
 * @param ssl TLS for the secure client port and between ensemble members.
 * @param clientAddress Address the client port binds to. Loopback by default; set 0.0.0.0 to serve other hosts.
 * @param dataDir Directory for the transaction log and snapshots.
 * @param tickTime The basic time unit in milliseconds; session timeouts are negotiated in [2, 20] ticks by
 *     default.
 * @param minSessionTimeout Smallest session timeout granted, in ms; -1 means 2 x tick-time.
 * @param maxSessionTimeout Largest session timeout granted, in ms; -1 means 20 x tick-time.
 * @param maxClientConnections Concurrent client connections allowed from one IP address; 0 = unlimited.
 * @param maxPacketSize Largest frame accepted from a client, in bytes (ZooKeeper's jute.maxbuffer).
 * @param maxOutstandingRequestsPerConnection Requests one connection may have awaiting replies; beyond this the
 *     server stops reading from it until replies drain (back-pressure: nothing is dropped). Pings and auth do
 *     not count.
 * @param maxWatchesPerSession Most watches one session may hold; 0 = unlimited (ZooKeeper has no such limit). A
 *     request that would arm one more fails with BADARGUMENTS and is not executed.
 * @param snapshotRetainCount How many snapshots (and the logs they need) are kept.
 * @param snapshotEveryTxns A snapshot is taken after about this many txns.
 * @param fourLetterWords Four-letter words answered on the client port; "*" enables all.
 * @param superDigest "super:&lt;base64 sha1&gt;": a digest identity that bypasses every ACL (as
 *     zookeeper.DigestAuthenticationProvider.superDigest).
 * @param ttlNodesEnabled Allow TTL nodes (ZooKeeper's zookeeper.extendedTypesEnabled).
 * @param enforceQuota Refuse writes over a hard quota with QUOTAEXCEEDED. Off by default, as in ZooKeeper
 *     (zookeeper.enforceQuota), where quotas are only logged: a migrated ensemble keeps accepting what
 *     ZooKeeper accepted.
 * @param containerCheckInterval How often empty containers and expired TTL nodes are looked for.
 * @param maxContainerDeletesPerMinute Most container/TTL deletions per check.
 * @param sessionSecret Secret (16+ characters) that session passwords are derived from; generated into the data
 *     dir when unset.
 * @param zooCfg Start from a ZooKeeper zoo.cfg (and the myid beside its dataDir) instead of these properties.
 * @param zookeeperDataLogDir Where Apache ZooKeeper kept its transaction logs (zoo.cfg dataLogDir) when not in
 *     the data dir: read once, when the data dir's ZooKeeper state is taken over.
 * @param serverId This server's id in the ensemble (1..254); required with an ensemble.
 * @param ensemble The ensemble, comma-separated, in zoo.cfg's server.N syntax:
 *     ID=HOST:QUORUM_PORT:ELECTION_PORT[:participant|:observer][;CLIENT_PORT]. Empty = standalone.
 * @param readOnlyModeEnabled Without a quorum, keep answering reads to clients that allow read-only servers,
 *     refusing writes with NOTREADONLY (ZooKeeper's readonlymode.enabled).
 * @param reconfigEnabled Accept {@code reconfig} (opcode 16) from super users: members and observers are added
 *     and removed while the ensemble runs (ZooKeeper's reconfigEnabled, false by default: RECONFIGDISABLED).
 * @param quorumListenOnAllIps Bind the quorum and election ports on every interface instead of this member's
 *     ensemble address (ZooKeeper's quorumListenOnAllIPs): for containers, where that name may not resolve to
 *     a local address at startup.
 * @param initLimit Ticks a follower may take to connect to and sync with a new leader.
 * @param syncLimit Ticks a follower may be silent (or out of date) before it is dropped.
 * @param metricsPort Also serve the Prometheus scrape at /metrics on this port (ZooKeeper's
 *     metricsProvider.httpPort, where a Prometheus job for ZooKeeper looks); 0 = only on the HTTP port.
 * @param web REST API, console users and configuration history.
 * @param audit The audit log: JSON lines to the logger coordinator.audit.
 * @param sasl SASL DIGEST-MD5 logins of ZooKeeper clients; off unless enabled.
 * @param testing Fault injection for the trust harness; all off unless set.
 */
@ConfigurationProperties(prefix = "coordinator", ignoreUnknownFields = false)
@Validated
public record CoordinatorProperties(
        @DefaultValue("2181") @Min(-1) @Max(65535) int clientPort,
        @DefaultValue("0") @Min(0) @Max(65535) int secureClientPort,
        @DefaultValue Ssl ssl,
        @DefaultValue("127.0.0.1") @NotBlank String clientAddress,
        @DefaultValue("./data") @NotBlank String dataDir,
        @DefaultValue("2000") @Min(1) int tickTime,
        @DefaultValue("-1") @Min(-1) int minSessionTimeout,
        @DefaultValue("-1") @Min(-1) int maxSessionTimeout,
        @DefaultValue("60") @Min(0) int maxClientConnections,
        @DefaultValue("1048575") @Min(1024) int maxPacketSize,
        @DefaultValue("1000") @Min(1) int maxOutstandingRequestsPerConnection,
        @DefaultValue("0") @Min(0) int maxWatchesPerSession,
        @DefaultValue("3") @Min(1) int snapshotRetainCount,
        @DefaultValue("100000") @Min(1) long snapshotEveryTxns,
        @DefaultValue("*") @NotEmpty List<String> fourLetterWords,
        String superDigest,
        @DefaultValue("false") boolean ttlNodesEnabled,
        @DefaultValue("false") boolean enforceQuota,
        @DefaultValue("60s") Duration containerCheckInterval,
        @DefaultValue("10000") @Min(1) int maxContainerDeletesPerMinute,
        String sessionSecret,
        String zooCfg,
        String zookeeperDataLogDir,
        @DefaultValue("0") @Min(0) @Max(254) int serverId,
        @DefaultValue("") String ensemble,
        @DefaultValue("false") boolean readOnlyModeEnabled,
        @DefaultValue("false") boolean reconfigEnabled,
        @DefaultValue("false") boolean quorumListenOnAllIps,
        @DefaultValue("10") @Min(1) int initLimit,
        @DefaultValue("5") @Min(1) int syncLimit,
        @DefaultValue("0") @Min(0) @Max(65535) int metricsPort,
        @DefaultValue @NestedConfigurationProperty WebProperties web,
        @DefaultValue Audit audit,
        @DefaultValue Sasl sasl,
        @DefaultValue Testing testing) {

    /** The four-letter words ZooKeeper knows (FourLetterCommands); all are enabled by default. */
    public static final Set<String> ALL_FOUR_LETTER_WORDS = Set.of(
            "ruok", "isro", "srvr", "stat", "mntr", "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "stmk",
            "srst", "wchs", "wchc", "wchp", "hash");

    /**
     * TLS key material, by Spring Boot SSL bundle name ({@code spring.ssl.bundle.jks.*} / {@code .pem.*}).
     *
     * @param clientBundle SSL bundle with the secure client port's key and certificate (and, for client-auth, the
     *     trusted CAs).
     * @param clientAuth Whether TLS clients must present a certificate trusted by the client bundle's trust store.
     * @param quorumBundle SSL bundle for the links between ensemble members; when set, every quorum and election
     *     connection is mutual TLS: each member presents this key and accepts only peers whose certificate the
     *     bundle's trust store trusts. All members must set it.
     * @param quorumHostnameVerification Whether a member checks that a peer's certificate names the host it
     *     dialled (ssl.quorum.hostnameVerification).
     * @param superUser The subject (RFC 2253, e.g. CN=admin,O=Example) of a client certificate whose sessions bypass
     *     every ACL (zookeeper.X509AuthenticationProvider.superUser).
     */
    public record Ssl(
            String clientBundle,
            @DefaultValue("none") TlsClientAuth clientAuth,
            String quorumBundle,
            @DefaultValue("true") boolean quorumHostnameVerification,
            String superUser) {}

    /**
     * The audit log ({@code coordinator.audit.*}): JSON lines to the logger {@code coordinator.audit}.
     *
     * @param enabled Audit every write of the client port (create, delete, setData, setAcl, multi, reconfig,
     *     createSession, closeSession) on the server that answers it. Off by default, like ZooKeeper's
     *     audit.enable.
     * @param rest Audit every change made through the REST API or the console: configuration publish and
     *     rollback, znode create, update and delete, and online restores ({@code POST /commands/restore}).
     */
    public record Audit(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("true") boolean rest) {}

    /**
     * SASL logins of ZooKeeper clients ({@code coordinator.sasl.*}), off unless enabled.
     *
     * @param enabled Let clients log in with SASL (opcode 102) as a JAAS Server section sets it (DIGEST-MD5 as its
     *     users, or Kerberos to its service principal), and accept sasl ACLs. zoo.cfg:
     *     authProvider.N=org.apache.zookeeper.server.auth.SASLAuthenticationProvider.
     * @param jaasConfig The JAAS file; unset: the java.security.auth.login.config system property, as ZooKeeper.
     * @param serverSection The JAAS section with the users or the principal; unset: the zookeeper.sasl.serverconfig
     *     system property, else Server.
     * @param removeHostFromPrincipal Kerberos: a client principal's host is left out of its sasl id. zoo.cfg:
     *     kerberos.removeHostFromPrincipal.
     * @param removeRealmFromPrincipal Kerberos: a client principal's realm is left out of its sasl id. zoo.cfg:
     *     kerberos.removeRealmFromPrincipal.
     */
    public record Sasl(
            @DefaultValue("false") boolean enabled,
            String jaasConfig,
            String serverSection,
            @DefaultValue("false") boolean removeHostFromPrincipal,
            @DefaultValue("false") boolean removeRealmFromPrincipal) {}

    /**
     * Fault injection for the trust harness ({@code coordinator.testing.*}); all off unless set.
     *
     * @param storageFaultsFile A control file that injects storage faults (slow or failing fsync) into the log
     *     and snapshots, for fault-injection tests of a real process. Unset in production: no fault hook is
     *     installed at all.
     * @param clockOffsetFile A control file holding a signed offset (ms) added to the wall clock the server uses
     *     for txn times (ctime/mtime) and TTL-node expiry, for clock-jump tests of a real process. Unset in
     *     production: the server reads System.currentTimeMillis() directly.
     */
    public record Testing(String storageFaultsFile, String clockOffsetFile) {}

    /** Secrets stay out of logs: only what identifies the server. */
    @Override
    public String toString() {
        return "CoordinatorProperties[serverId=" + serverId + ", ensemble=" + ensemble + ", clientAddress="
                + clientAddress + ", clientPort=" + clientPort + ", secureClientPort=" + secureClientPort
                + ", dataDir=" + dataDir + "]";
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

    @AssertTrue(
            message =
                    "coordinator.secure-client-port needs coordinator.ssl.client-bundle: the name of a "
                            + "spring.ssl.bundle.jks.<name> or spring.ssl.bundle.pem.<name> holding the server's key and certificate")
    public boolean isSecureClientPortHasBundle() {
        return secureClientPort == 0 || !isBlank(ssl.clientBundle());
    }

    @AssertTrue(
            message = "coordinator.ssl.client-bundle is set but coordinator.secure-client-port is not: "
                    + "set the port to serve TLS clients, or remove the bundle")
    public boolean isClientBundleHasSecurePort() {
        return isBlank(ssl.clientBundle()) || secureClientPort > 0;
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
}
