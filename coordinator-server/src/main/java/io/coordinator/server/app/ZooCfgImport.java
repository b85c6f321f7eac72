package io.coordinator.server.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
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
 * server has no use for is logged and ignored; a key nobody knows (a typo) stops startup.
 */
public class ZooCfgImport implements EnvironmentPostProcessor, Ordered {
    static final String SOURCE_NAME = "zooCfg";

    private static final Map<String, String> MAPPED = Map.ofEntries(
            Map.entry("clientPort", "coordinator.client-port"),
            Map.entry("clientPortAddress", "coordinator.client-address"),
            Map.entry("dataDir", "coordinator.data-dir"),
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
            Map.entry("quorumListenOnAllIPs", "coordinator.quorum-listen-on-all-ips"));

    /** ZooKeeper keys that have no effect here (yet); accepted so real zoo.cfg files load. */
    private static final Set<String> IGNORED = Set.of("dataLogDir", "autopurge.purgeInterval",
            "standaloneEnabled", "reconfigEnabled", "admin.enableServer", "admin.serverPort", "admin.serverAddress",
            "admin.commandURL", "metricsProvider.className", "metricsProvider.httpPort", "metricsProvider.httpHost",
            "preAllocSize", "globalOutstandingLimit", "syncEnabled", "electionAlg", "peerType", "leaderServes",
            "secureClientPort", "secureClientPortAddress", "dynamicConfigFile",
            "skipACL", "forceSync", "audit.enable", "localSessionsEnabled", "localSessionsUpgradingEnabled",
            "clientPortListenBacklog", "connectToLearnerMasterLimit", "maxCnxns", "serverCnxnFactory",
            "sslQuorum", "portUnification", "authProvider.1", "authProvider.2",
            "authProvider.3", "jvm.pause.warn-threshold-ms", "fsync.warningthresholdms", "zookeeper.4lw.commands.whitelist");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String location = environment.getProperty("coordinator.zoo-cfg");
        if (location == null || location.isBlank()) {
            return;
        }
        Path file = Path.of(location);
        Map<String, Object> mapped = parse(file);
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("coordinator.zoo-cfg: cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        var resource = new FileSystemResource(file);
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> servers = new java.util.ArrayList<>();
        String dataDir = null;
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
                try {
                    EnsembleMember.parse(Integer.parseInt(id), value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
                servers.add(id + "=" + value);
                continue;
            }
            if (key.equals("dataDir")) {
                dataDir = value;
            }
            String target = MAPPED.get(key);
            if (target == null) {
                if (IGNORED.contains(key) || key.startsWith("group.")
                        || key.startsWith("weight.") || key.startsWith("ssl.") || key.startsWith("metricsProvider.")) {
                    org.slf4j.LoggerFactory.getLogger(ZooCfgImport.class)
                            .info("{}:{}: '{}' has no effect on Coordinator; ignored", file, i + 1, key);
                    continue;
                }
                throw new IllegalStateException(file + ":" + (i + 1) + ": unknown zoo.cfg key '" + key + "'");
            }
            if (key.equals("znode.container.checkIntervalMs")) {
                value = value + "ms";
            }
            var origin = new TextResourceOrigin(resource, new TextResourceOrigin.Location(i, eq + 1));
            out.put(target, OriginTrackedValue.of(value, origin));
        }
        if (!servers.isEmpty()) {
            out.put("coordinator.ensemble", String.join(",", servers));
            out.put("coordinator.server-id", readMyId(file, dataDir));
        }
        return out;
    }

    /** An ensemble member finds its id in dataDir/myid, as with ZooKeeper. */
    private static String readMyId(Path cfg, String dataDir) {
        if (dataDir == null) {
            throw new IllegalStateException(cfg + ": server.N lines need a dataDir holding the myid file");
        }
        Path myid;
        try {
            myid = Path.of(dataDir).resolve("myid");
        } catch (java.nio.file.InvalidPathException e) {
            // fuzz finding (ZooCfgFuzzTest): a NUL in dataDir escaped as an unchecked InvalidPathException
            throw new IllegalStateException(cfg + ": dataDir '" + dataDir + "' is not a valid path: " + e.getReason(), e);
        }
        try {
            String id = Files.readString(myid, StandardCharsets.UTF_8).trim();
            Integer.parseInt(id);
            return id;
        } catch (IOException e) {
            throw new IllegalStateException(cfg + ": cannot read " + myid + " (the server's id in the ensemble): " + e, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(myid + " must hold this server's id, a number", e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
