package io.coordinator.server.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * Lets the server start from a ZooKeeper {@code zoo.cfg}: when {@code coordinator.zoo-cfg} names one, its keys
 * are mapped onto {@code coordinator.*} properties (command-line arguments still win). Values keep their
 * file and line as origin, so a bad value is reported where it was written. A key ZooKeeper knows but this
 * server does not apply is ignored with a WARN naming the key and the file; a key nobody knows (a typo) stops
 * startup. Messages go through Spring Boot's deferred log: this runs before logging is set up, and a plain
 * logger's lines would be dropped. TLS (secureClientPort, ssl.*, sslQuorum, ssl.quorum.*) becomes SSL bundles, see {@link #importTls}.
 */
public class ZooCfgImport implements EnvironmentPostProcessor, Ordered {
    static final String SOURCE_NAME = "zooCfg";

    private final Log log;

    public ZooCfgImport(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(ZooCfgImport.class);
    }

    private static final Map<String, String> MAPPED = Map.ofEntries(
            Map.entry("clientPort", "coordinator.client-port"),
            Map.entry("clientPortAddress", "coordinator.client-address"),
            Map.entry("dataDir", "coordinator.data-dir"),
            Map.entry("dataLogDir", "coordinator.zookeeper-data-log-dir"),
            Map.entry("tickTime", "coordinator.tick-time"),
            Map.entry("minSessionTimeout", "coordinator.min-session-timeout"),
            Map.entry("maxSessionTimeout", "coordinator.max-session-timeout"),
            Map.entry("maxClientCnxns", "coordinator.max-client-connections"),
            Map.entry("4lw.commands.whitelist", "coordinator.four-letter-words"),
            Map.entry("autopurge.snapRetainCount", "coordinator.snapshot-retain-count"),
            Map.entry("snapCount", "coordinator.snapshot-every-txns"),
            Map.entry("jute.maxbuffer", "coordinator.max-packet-size"),
            Map.entry("zookeeper.extendedTypesEnabled", "coordinator.ttl-nodes-enabled"),
            Map.entry("extendedTypesEnabled", "coordinator.ttl-nodes-enabled"),
            Map.entry("DigestAuthenticationProvider.superDigest", "coordinator.super-digest"),
            Map.entry("zookeeper.DigestAuthenticationProvider.superDigest", "coordinator.super-digest"),
            Map.entry("znode.container.checkIntervalMs", "coordinator.container-check-interval"),
            Map.entry("znode.container.maxPerMinute", "coordinator.max-container-deletes-per-minute"),
            Map.entry("initLimit", "coordinator.init-limit"),
            Map.entry("syncLimit", "coordinator.sync-limit"),
            Map.entry("readonlymode.enabled", "coordinator.read-only-mode-enabled"),
            Map.entry("reconfigEnabled", "coordinator.reconfig-enabled"),
            Map.entry("quorumListenOnAllIPs", "coordinator.quorum-listen-on-all-ips"),
            Map.entry("secureClientPort", "coordinator.secure-client-port"),
            Map.entry("ssl.clientAuth", "coordinator.ssl.client-auth"),
            Map.entry("ssl.quorum.hostnameVerification", "coordinator.ssl.quorum-hostname-verification"),
            Map.entry("audit.enable", "coordinator.audit.enabled"),
            Map.entry("X509AuthenticationProvider.superUser", "coordinator.ssl.super-user"),
            Map.entry("zookeeper.X509AuthenticationProvider.superUser", "coordinator.ssl.super-user"),
            Map.entry("kerberos.removeHostFromPrincipal", "coordinator.sasl.remove-host-from-principal"),
            Map.entry("kerberos.removeRealmFromPrincipal", "coordinator.sasl.remove-realm-from-principal"),
            // ZooKeeper's AdminServer commands (/commands/<name>) are served on the HTTP port: where ZooKeeper
            // served them (and members on one host each need a port of their own, as with ZooKeeper)
            Map.entry("admin.serverPort", "server.port"),
            Map.entry("admin.serverAddress", "server.address"),
            // ZooKeeper reads unknown zoo.cfg keys as zookeeper.* system properties: both spellings work there
            Map.entry("enforceQuota", "coordinator.enforce-quota"),
            Map.entry("zookeeper.enforceQuota", "coordinator.enforce-quota"),
            Map.entry("zookeeper.kerberos.removeHostFromPrincipal", "coordinator.sasl.remove-host-from-principal"),
            Map.entry("zookeeper.kerberos.removeRealmFromPrincipal", "coordinator.sasl.remove-realm-from-principal"));

    /** The SSL bundles a zoo.cfg's ssl.* (client port) and ssl.quorum.* (peers) keys become. */
    static final String CLIENT_BUNDLE = "zoo-cfg-client";

    static final String QUORUM_BUNDLE = "zoo-cfg-quorum";

    /** ZooKeeper's key/trust store keys (after ssl. or ssl.quorum.) -> the keys of a Spring Boot JKS bundle. */
    private static final Map<String, String> STORE_KEYS = Map.of(
            "keyStore.location", "keystore.location",
            "keyStore.password", "keystore.password",
            "keyStore.type", "keystore.type",
            "trustStore.location", "truststore.location",
            "trustStore.password", "truststore.password",
            "trustStore.type", "truststore.type",
            "protocol", "protocol",
            "enabledProtocols", "options.enabled-protocols",
            "ciphersuites", "options.ciphers");

    /** ZooKeeper keys that have no effect here (yet); accepted so real zoo.cfg files load. */
    private static final Set<String> IGNORED = Set.of(
            "autopurge.purgeInterval",
            "admin.enableServer",
            "admin.commandURL",
            "metricsProvider.className",
            "metricsProvider.httpHost",
            "preAllocSize",
            "globalOutstandingLimit",
            "syncEnabled",
            "electionAlg",
            "peerType",
            "leaderServes",
            "secureClientPortAddress",
            "skipACL",
            "forceSync",
            "localSessionsEnabled",
            "localSessionsUpgradingEnabled",
            "clientPortListenBacklog",
            "connectToLearnerMasterLimit",
            "maxCnxns",
            "serverCnxnFactory",
            "portUnification",
            "jaasLoginRenew",
            "jvm.pause.warn-threshold-ms",
            "fsync.warningthresholdms",
            "zookeeper.4lw.commands.whitelist");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String location = environment.getProperty("coordinator.zoo-cfg");
        if (location == null || location.isBlank()) {
            return;
        }
        Path file = Path.of(location);
        Map<String, Object> mapped = parse(file, log);
        var source = new OriginTrackedMapPropertySource(SOURCE_NAME, mapped);
        var sources = environment.getPropertySources();
        if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        } else {
            sources.addLast(source);
        }
    }

    /** Reads a zoo.cfg into coordinator.* properties. */
    static Map<String, Object> parse(Path file) {
        return parse(file, LogFactory.getLog(ZooCfgImport.class));
    }

    static Map<String, Object> parse(Path file, Log log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("coordinator.zoo-cfg: cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        var resource = new FileSystemResource(file);
        Map<String, Object> out = new LinkedHashMap<>();
        List<ZooCfgDynamicFile.ServerLine> servers = new ArrayList<>();
        Line prometheus = null;
        Line metricsPort = null;
        String dynamicFile = null;
        int dynamicLine = 0;
        String dataDir = null;
        Map<String, Line> clientStores = new LinkedHashMap<>();
        Map<String, Line> quorumStores = new LinkedHashMap<>();
        boolean sslQuorum = false;
        boolean standaloneEnabled = true;
        int standaloneLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": expected key=value, found '" + line + "'");
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (key.startsWith("server.")) {
                String id = key.substring("server.".length());
                var origin = new TextResourceOrigin(resource, new TextResourceOrigin.Location(i, eq + 1));
                servers.add(new ZooCfgDynamicFile.ServerLine(id, value, origin, file + ":" + (i + 1)));
                continue;
            }
            if (key.equals("metricsProvider.className") && value.equals(PROMETHEUS_PROVIDER)) {
                prometheus = new Line(value, origin(resource, i, eq), i + 1);
                continue;
            }
            if (key.equals("metricsProvider.httpPort")) {
                metricsPort = new Line(value, origin(resource, i, eq), i + 1);
                continue;
            }
            if (key.equals("dynamicConfigFile")) {
                dynamicFile = value;
                dynamicLine = i + 1;
                continue;
            }
            if (key.equals("dataDir")) {
                dataDir = value;
            }
            var origin = new TextResourceOrigin(resource, new TextResourceOrigin.Location(i, eq + 1));
            if (key.equals("sslQuorum")) {
                sslQuorum = Boolean.parseBoolean(value);
                continue;
            }
            String storeKey = storeKey(key);
            if (storeKey != null) {
                boolean quorum = key.startsWith("ssl.quorum.");
                (quorum ? quorumStores : clientStores).put(storeKey, new Line(value, origin, i + 1));
                continue;
            }
            if (key.startsWith("authProvider.")) {
                authProvider(file, i + 1, key, value, origin, out);
                continue;
            }
            if (key.equals("requireClientAuthScheme")) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": 'requireClientAuthScheme' is not"
                        + " supported: Apache ZooKeeper never reads this key either (it does not make SASL"
                        + " mandatory there); remove it. SASL logins are enabled by authProvider.N="
                        + SASL_PROVIDER);
            }
            String refusal = ZooCfgEnsembleKeys.refusal(key, value);
            if (refusal != null) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": " + refusal);
            }
            if (key.equals("standaloneEnabled")) {
                standaloneEnabled = Boolean.parseBoolean(value);
                standaloneLine = i + 1;
                continue;
            }
            String target = MAPPED.get(key);
            if (target == null) {
                if (key.startsWith("ssl.")) {
                    log.warn(file + ":" + (i + 1) + ": '" + key + "' has no effect on Coordinator: the TLS setting"
                            + " it names is not applied");
                    continue;
                }
                if (key.startsWith("admin.")) {
                    log.warn(file + ":" + (i + 1) + ": '" + key + "' has no effect on Coordinator: ZooKeeper's"
                            + " AdminServer commands (/commands/<name>) are served on the HTTP port, server.port");
                    continue;
                }
                if (IGNORED.contains(key) || key.startsWith("metricsProvider.")) {
                    log.warn(file + ":" + (i + 1) + ": '" + key + "' has no effect on Coordinator; ignored");
                    continue;
                }
                throw new IllegalStateException(file + ":" + (i + 1) + ": unknown zoo.cfg key '" + key + "'");
            }
            if (key.equals("znode.container.checkIntervalMs")) {
                value = value + "ms";
            }
            out.put(target, OriginTrackedValue.of(value, origin));
        }
        importTls(file, out, clientStores, quorumStores, sslQuorum, log);
        if (prometheus != null) {
            // ZooKeeper's PrometheusMetricsProvider serves /metrics on httpPort, 7000 by default
            out.put(
                    "coordinator.metrics-port",
                    metricsPort != null
                            ? OriginTrackedValue.of(metricsPort.value(), metricsPort.origin())
                            : OriginTrackedValue.of("7000", prometheus.origin()));
        } else if (metricsPort != null) {
            log.warn(file + ":" + metricsPort.number() + ": 'metricsProvider.httpPort' has no effect without"
                    + " metricsProvider.className=" + PROMETHEUS_PROVIDER + " (nor has it on ZooKeeper); ignored");
        }
        if (dynamicFile != null) {
            if (!servers.isEmpty()) {
                // ZooKeeper's QuorumPeerConfig: "parameter: server.N must be in a separate dynamic config file"
                throw new IllegalStateException(servers.get(0).where() + ": 'server."
                        + servers.get(0).id()
                        + "' must be in the dynamic config file when dynamicConfigFile is set (line " + dynamicLine
                        + "), as ZooKeeper requires: move every server.N line into " + dynamicFile);
            }
            servers = ZooCfgDynamicFile.read(file, dynamicLine, dynamicFile);
        }
        if (!standaloneEnabled && servers.size() <= 1) {
            throw new IllegalStateException(file + ":" + standaloneLine + ": 'standaloneEnabled=false' with "
                    + servers.size() + " server.N line(s) asks ZooKeeper for a one-member ensemble that grows by"
                    + " reconfig; Coordinator has no dynamic reconfiguration, so it refuses rather than run"
                    + " standalone silently. Remove the key (or set it true) to run standalone, or list the"
                    + " ensemble's server.N lines");
        }
        if (!servers.isEmpty()) {
            List<String> ensemble = new ArrayList<>();
            List<EnsembleMember> members = new ArrayList<>();
            for (var s : servers) {
                try {
                    members.add(EnsembleMember.parse(Integer.parseInt(s.id()), s.value()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(s.where() + ": " + e.getMessage(), e);
                }
                ensemble.add(s.id() + "=" + s.value());
            }
            out.put("coordinator.ensemble", String.join(",", ensemble));
            String myId = readMyId(file, dataDir);
            out.put("coordinator.server-id", myId);
            for (int k = 0; k < servers.size(); k++) {
                if (members.get(k).id() == Integer.parseInt(myId)) {
                    ownClientAddress(file, servers.get(k), members.get(k), out);
                }
            }
        }
        return out;
    }

    /**
     * As ZooKeeper does, this member's own server line may carry its client address ({@code ;[host:]port}): it is
     * used when zoo.cfg sets no clientPort, and must agree with the clientPort (and a specific clientPortAddress)
     * zoo.cfg sets.
     */
    private static void ownClientAddress(
            Path file, ZooCfgDynamicFile.ServerLine line, EnsembleMember self, Map<String, Object> out) {
        if (self.clientPort() <= 0) {
            return;
        }
        Object port = out.get("coordinator.client-port");
        Object address = out.get("coordinator.client-address");
        String host = self.clientHost();
        boolean portDiffers = port != null && !port.toString().trim().equals(String.valueOf(self.clientPort()));
        boolean hostDiffers = address != null
                && host != null
                && !address.toString().trim().equals("0.0.0.0")
                && !address.toString().trim().equals(host.trim());
        if (portDiffers || hostDiffers) {
            throw new IllegalStateException(line.where() + ": this server's client address in 'server." + line.id()
                    + "=" + line.value() + "' differs from " + file + "'s clientPort" + (hostDiffers ? "Address" : "")
                    + "=" + (hostDiffers ? address : port) + "; ZooKeeper refuses this too: make them agree or"
                    + " remove one");
        }
        out.putIfAbsent(
                "coordinator.client-port", OriginTrackedValue.of(String.valueOf(self.clientPort()), line.origin()));
        if (host != null && !host.isBlank()) {
            out.putIfAbsent("coordinator.client-address", OriginTrackedValue.of(host.trim(), line.origin()));
        }
    }

    static final String PROMETHEUS_PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

    private static TextResourceOrigin origin(FileSystemResource resource, int line, int eq) {
        return new TextResourceOrigin(resource, new TextResourceOrigin.Location(line, eq + 1));
    }

    static final String SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";

    /** ZooKeeper's providers that are always on here (ip, digest) or on with a secure client port (x509). */
    private static final Set<String> BUILT_IN_PROVIDERS = Set.of(
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
            "org.apache.zookeeper.server.auth.IPAuthenticationProvider",
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider");

    /**
     * authProvider.N: ZooKeeper's SASL provider turns SASL logins on; its built-in providers are already on; any
     * other class (a custom provider) cannot be loaded here and stops the start.
     */
    private static void authProvider(
            Path file, int line, String key, String value, TextResourceOrigin origin, Map<String, Object> out) {
        if (value.equals(SASL_PROVIDER)) {
            out.put("coordinator.sasl.enabled", OriginTrackedValue.of("true", origin));
        } else if (!BUILT_IN_PROVIDERS.contains(value)) {
            throw new IllegalStateException(file + ":" + line + ": '" + key + "=" + value + "' names an"
                    + " authentication provider Coordinator does not have; it offers ip, digest, x509 (with a"
                    + " secure client port) and sasl (" + SASL_PROVIDER + ")");
        }
    }

    /** A zoo.cfg value with where it was written. */
    private record Line(String value, TextResourceOrigin origin, int number) {}

    /** The Spring bundle key a ZooKeeper ssl.* / ssl.quorum.* store key maps to, or null. */
    private static String storeKey(String key) {
        String rest = key.startsWith("ssl.quorum.")
                ? key.substring("ssl.quorum.".length())
                : key.startsWith("ssl.") ? key.substring("ssl.".length()) : null;
        return rest == null ? null : STORE_KEYS.get(rest);
    }

    /**
     * ZooKeeper's TLS keys become two Spring Boot JKS bundles: ssl.* for the secure client port (used when
     * secureClientPort is set) and ssl.quorum.* for the links between members (used when sslQuorum=true). As in
     * ZooKeeper, a store's type comes from its file name when not given (.jks JKS, .p12/.pfx PKCS12), and
     * ssl.clientAuth defaults to need.
     */
    private static void importTls(
            Path file,
            Map<String, Object> out,
            Map<String, Line> client,
            Map<String, Line> quorum,
            boolean sslQuorum,
            Log log) {
        if (out.containsKey("coordinator.secure-client-port")) {
            if (!client.containsKey("keystore.location")) {
                throw new IllegalStateException(file + ": secureClientPort needs ssl.keyStore.location (the server's"
                        + " key and certificate)");
            }
            if (!out.containsKey("coordinator.ssl.client-auth") && !client.containsKey("truststore.location")) {
                throw new IllegalStateException(file + ": ssl.clientAuth is not set, and ZooKeeper's default is need,"
                        + " which needs ssl.trustStore.location (the CAs that sign client certificates); set the"
                        + " trust store, or ssl.clientAuth=none");
            }
            out.putIfAbsent("coordinator.ssl.client-auth", "need");
            putBundle(file, out, CLIENT_BUNDLE, client, "ssl.");
            out.put("coordinator.ssl.client-bundle", CLIENT_BUNDLE);
        } else if (!client.isEmpty()) {
            log.warn(file + ": ssl.* key and trust stores are ignored: no secureClientPort");
        }
        if (sslQuorum) {
            if (!quorum.containsKey("keystore.location") || !quorum.containsKey("truststore.location")) {
                throw new IllegalStateException(file + ": sslQuorum=true needs ssl.quorum.keyStore.location and"
                        + " ssl.quorum.trustStore.location (mutual TLS between members)");
            }
            putBundle(file, out, QUORUM_BUNDLE, quorum, "ssl.quorum.");
            out.put("coordinator.ssl.quorum-bundle", QUORUM_BUNDLE);
        } else if (!quorum.isEmpty()) {
            log.warn(file + ": ssl.quorum.* key and trust stores are ignored: sslQuorum is not true");
        }
    }

    private static void putBundle(
            Path file, Map<String, Object> out, String bundle, Map<String, Line> keys, String zkPrefix) {
        String prefix = "spring.ssl.bundle.jks." + bundle + ".";
        for (var e : keys.entrySet()) {
            String value = e.getValue().value();
            if (e.getKey().endsWith(".location")) {
                value = value.startsWith("file:") ? value : "file:" + value; // ZooKeeper takes a path
            }
            out.put(
                    prefix + e.getKey(),
                    OriginTrackedValue.of(value, e.getValue().origin()));
        }
        for (String store : List.of("keystore", "truststore")) {
            Line location = keys.get(store + ".location");
            if (location == null) {
                continue;
            }
            Line type = keys.get(store + ".type");
            String zkName = zkPrefix + (store.equals("keystore") ? "keyStore" : "trustStore");
            String resolved = storeType(type != null ? type.value() : null, location.value());
            if (resolved == null) {
                throw new IllegalStateException(file + ":" + (type != null ? type.number() : location.number()) + ": "
                        + zkName + (type != null ? ".type " + type.value() : " " + location.value())
                        + ": only JKS and PKCS12 stores are imported from a zoo.cfg; for PEM or BCFKS define a"
                        + " spring.ssl.bundle.pem.<name> (or .jks.<name>) and name it in coordinator.ssl."
                        + (zkPrefix.equals("ssl.") ? "client-bundle" : "quorum-bundle"));
            }
            out.put(
                    prefix + store + ".type",
                    OriginTrackedValue.of(resolved, (type != null ? type : location).origin()));
        }
    }

    /** JKS or PKCS12 from an explicit type or, as ZooKeeper does, the file name; null for anything else. */
    private static String storeType(String type, String location) {
        String t = type;
        if (t == null || t.isBlank()) {
            String name = location.toLowerCase(Locale.ROOT);
            t = name.endsWith(".jks") ? "JKS" : name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : null;
        }
        if (t == null) {
            return null;
        }
        t = t.trim().toUpperCase(Locale.ROOT);
        return t.equals("JKS") || t.equals("PKCS12") ? t : null;
    }

    /** An ensemble member finds its id in dataDir/myid, as with ZooKeeper. */
    private static String readMyId(Path cfg, String dataDir) {
        if (dataDir == null) {
            throw new IllegalStateException(cfg + ": server.N lines need a dataDir holding the myid file");
        }
        Path myid;
        try {
            myid = Path.of(dataDir).resolve("myid");
        } catch (InvalidPathException e) {
            // fuzz finding (ZooCfgFuzzTest): a NUL in dataDir escaped as an unchecked InvalidPathException
            throw new IllegalStateException(
                    cfg + ": dataDir '" + dataDir + "' is not a valid path: " + e.getReason(), e);
        }
        try {
            String id = Files.readString(myid, StandardCharsets.UTF_8).trim();
            Integer.parseInt(id);
            return id;
        } catch (IOException e) {
            throw new IllegalStateException(
                    cfg + ": cannot read " + myid + " (the server's id in the ensemble): " + e, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(myid + " must hold this server's id, a number", e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
