package io.coordinator.server.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.coordinator.server.request.ServerView;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ZooKeeper's four-letter words: which 4-byte prefixes are words, and the text each one answers, in
 * ZooKeeper 3.9's exact formats (tools parse them). Reads the {@link ServerView}, the server's traffic
 * {@link ServerStats} and the {@link ConnectionRegistry}.
 */
public final class FourLetterWords {

    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    /** ZooKeeper's known words (FourLetterCommands.cmd2String), by their value read as a big-endian int. */
    private static final Map<Integer, String> KNOWN = new LinkedHashMap<>();

    static {
        for (String w : List.of(
                "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "ruok", "stmk", "srst", "srvr", "stat", "wchc",
                "wchp", "wchs", "mntr", "isro", "hash")) {
            KNOWN.put(code(w), w);
        }
        // the control sequence telnet sends when it closes; known so it is not logged as a bad length
        KNOWN.put(0xfff4fffd, "telnet close");
    }

    private final ClientPortConfig config;
    private final ServerView view;
    private final ServerStats stats;
    private final ConnectionRegistry registry;
    private final DataDirSizes dirs;

    public FourLetterWords(ClientPortConfig config, ServerView view, ServerStats stats, ConnectionRegistry registry) {
        this(config, view, stats, registry, DataDirSizes.NONE);
    }

    public FourLetterWords(
            ClientPortConfig config,
            ServerView view,
            ServerStats stats,
            ConnectionRegistry registry,
            DataDirSizes dirs) {
        this.config = config;
        this.view = view;
        this.stats = stats;
        this.registry = registry;
        this.dirs = dirs;
    }

    /** Whether {@code word} is in the whitelist (coordinator.four-letter-words / 4lw.commands.whitelist). */
    public boolean isEnabled(String word) {
        return config.isFourLetterWordEnabled(word);
    }

    public String serverVersion() {
        return config.serverVersion();
    }

    /** What dirs and conf report of the data directories, measured now. */
    public DataDirSizes dirs() {
        return dirs;
    }

    static int code(String word) {
        byte[] b = word.getBytes(StandardCharsets.US_ASCII);
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** The word whose 4 bytes read as {@code code}, or null when they are not a known word. */
    public static String knownWord(int code) {
        return KNOWN.get(code);
    }

    /**
     * The reply to a known word, or null when ZooKeeper would treat it as a frame length instead
     * (words it knows but has no command for: telnet close).
     */
    public String execute(String word) {
        if (!config.isFourLetterWordEnabled(word)) {
            return word + " is not executed because it is not in the whitelist.\n";
        }
        boolean serving = view.isServing();
        return switch (word) {
            case "ruok" -> "imok";
            case "isro" -> !serving ? "null" : view.isReadOnly() ? "ro" : "rw";
            case "envi" -> envi();
            case "gtmk" -> "306"; // ZooTrace's default text trace mask
            case "telnet close" -> null;
            default -> serving ? servingOnly(word) : NOT_SERVING + "\n";
        };
    }

    private String servingOnly(String word) {
        return switch (word) {
            case "srvr" -> stat(false);
            case "stat" -> stat(true);
            case "cons" -> cons();
            case "conf" -> conf();
            case "mntr" -> mntr();
            case "wchs" ->
                view.watchingSessionCount() + " connections watching " + view.watchedPathCount()
                        + " paths\nTotal watches:" + view.watchCount() + "\n";
            case "wchc" -> wchc();
            case "wchp" -> wchp();
            case "dump" -> dump();
            case "srst" -> {
                stats.reset();
                yield "Server stats reset.\n";
            }
            case "crst" -> {
                registry.connections().forEach(NettyClientConnection::resetStats);
                yield "Connection stats reset.\n";
            }
            case "dirs" -> "datadir_size: " + dirs.snapshotBytes() + "\nlogdir_size: " + dirs.logBytes() + "\n";
            default -> "";
        };
    }

    private String stat(boolean withClients) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("Zookeeper version: ").append(config.serverVersion()).append('\n');
        if (view.isReadOnly()) {
            sb.append("READ-ONLY mode; serving only read-only clients\n");
        }
        if (withClients) {
            sb.append("Clients:\n");
            for (NettyClientConnection c : registry.connections()) {
                sb.append(c.describe(true)).append('\n');
            }
            sb.append('\n');
        }
        sb.append("Latency min/avg/max: ")
                .append(stats.minLatency())
                .append('/')
                .append(stats.avgLatency())
                .append('/')
                .append(stats.maxLatency())
                .append('\n');
        sb.append("Received: ").append(stats.packetsReceived()).append('\n');
        sb.append("Sent: ").append(stats.packetsSent()).append('\n');
        sb.append("Connections: ").append(registry.size()).append('\n');
        sb.append("Outstanding: ").append(view.outstandingRequests()).append('\n');
        sb.append("Zxid: 0x").append(Long.toHexString(view.lastProcessedZxid())).append('\n');
        sb.append("Mode: ").append(view.mode()).append('\n');
        sb.append("Node count: ").append(view.nodeCount()).append('\n');
        String proposals = view.proposalSizes();
        if (proposals != null) {
            sb.append("Proposal sizes last/min/max: ").append(proposals).append('\n');
        }
        return sb.toString();
    }

    private String cons() {
        StringBuilder sb = new StringBuilder(256);
        for (NettyClientConnection c : registry.connections()) {
            sb.append(c.describe(false)).append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    private String conf() {
        StringBuilder sb = new StringBuilder(256);
        view.configuration().forEach((k, v) -> {
            // the sizes as ZooKeeper's conf prints them: measured now, like dirs
            String value = switch (k) {
                case "dataDirSize" -> String.valueOf(dirs.snapshotBytes());
                case "dataLogSize" -> String.valueOf(dirs.logBytes());
                default -> v;
            };
            sb.append(k).append('=').append(value).append('\n');
        });
        return sb.toString();
    }

    /** mntr: ZooKeeper's dumpMonitorValues then its gauges, {@code zk_<key>\t<value>} per line. */
    private String mntr() {
        Map<String, Object> values = monitorValues();
        StringBuilder sb = new StringBuilder(1024);
        values.forEach(
                (k, v) -> sb.append("zk_").append(k).append('\t').append(v).append('\n'));
        return sb.toString();
    }

    /** The values mntr prints (without the zk_ prefix); doubles print as Java doubles, as ZooKeeper does. */
    public Map<String, Object> monitorValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", config.serverVersion());
        m.put("server_state", view.mode());
        m.put("avg_latency", stats.avgLatency());
        m.put("max_latency", stats.maxLatency());
        m.put("min_latency", stats.minLatency());
        m.put("packets_received", stats.packetsReceived());
        m.put("packets_sent", stats.packetsSent());
        m.put("num_alive_connections", registry.size());
        m.put("outstanding_requests", view.outstandingRequests());
        m.put("uptime", stats.uptimeMillis());
        m.put("znode_count", view.nodeCount());
        m.put("watch_count", view.watchCount());
        m.put("ephemerals_count", view.ephemeralCount());
        m.put("approximate_data_size", view.approximateDataSize());
        m.put("global_sessions", view.sessionCount());
        m.put("local_sessions", 0);
        m.put("open_file_descriptor_count", FileDescriptors.open());
        m.put("max_file_descriptor_count", FileDescriptors.max());
        m.put("connection_drop_probability", 0.0);
        m.put("last_client_response_size", stats.lastResponseSize());
        m.put("max_client_response_size", stats.maxResponseSize());
        m.put("min_client_response_size", stats.minResponseSize());
        m.put("outstanding_tls_handshake", stats.outstandingTlsHandshakes());
        // ZooKeeper counts failed TLS handshakes; failed SASL logins and unknown auth schemes are added here
        m.put("auth_failed_count", stats.tlsHandshakeFailures() + view.authFailures());
        m.put("non_mtls_remote_conn_count", stats.nonMtlsRemoteConnections());
        m.put("non_mtls_local_conn_count", stats.nonMtlsLocalConnections());
        m.putAll(view.roleMonitorValues());
        return m;
    }

    private String wchc() {
        return grouped(view.watchesBySession(), FourLetterWords::hexSession, path -> path);
    }

    private String wchp() {
        return grouped(view.watchesByPath(), path -> path, FourLetterWords::hexSession);
    }

    /** wchc and wchp's layout: a line per key, a tab-indented line per value under it, a blank line at the end. */
    private static <K, V> String grouped(Map<K, List<V>> groups, Function<K, String> key, Function<V, String> value) {
        StringBuilder sb = new StringBuilder(256);
        groups.forEach((k, values) -> {
            sb.append(key.apply(k)).append('\n');
            for (V v : values) {
                sb.append('\t').append(value.apply(v)).append('\n');
            }
        });
        sb.append('\n');
        return sb.toString();
    }

    private static String hexSession(long sid) {
        return "0x" + Long.toHexString(sid);
    }

    /**
     * dump: ZooKeeper prints the session tracker's expiry buckets, the ephemerals per session, and (only
     * for its NIO factory) connections. We do not see expiry buckets, so the tracker part lists no buckets.
     */
    private String dump() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("SessionTracker dump:\n");
        sb.append("Session Sets (0)/(").append(view.sessionCount()).append("):\n");
        sb.append("ephemeral nodes dump:\n");
        Map<Long, List<String>> ephemerals = view.ephemeralsBySession();
        sb.append("Sessions with Ephemerals (").append(ephemerals.size()).append("):\n");
        ephemerals.forEach((sid, paths) -> {
            sb.append("0x").append(Long.toHexString(sid)).append(":\n");
            for (String p : paths) {
                sb.append('\t').append(p).append('\n');
            }
        });
        sb.append("Connections dump:\n");
        return sb.toString();
    }

    /** envi: ZooKeeper's Environment.list() in its order, memory in whole MB. */
    private String envi() {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("Environment:\n");
        env(sb, "zookeeper.version", config.serverVersion());
        env(sb, "host.name", HostName.NAME);
        for (String key : List.of(
                "java.version",
                "java.vendor",
                "java.home",
                "java.class.path",
                "java.library.path",
                "java.io.tmpdir",
                "java.compiler",
                "os.name",
                "os.arch",
                "os.version",
                "user.name",
                "user.home",
                "user.dir")) {
            env(sb, key, System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        long mb = 1024 * 1024;
        env(sb, "os.memory.free", rt.freeMemory() / mb + "MB");
        env(sb, "os.memory.max", rt.maxMemory() / mb + "MB");
        env(sb, "os.memory.total", rt.totalMemory() / mb + "MB");
        return sb.toString();
    }

    private static void env(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(value).append('\n');
    }

    /** Resolved once: a slow DNS lookup must not stall the event loop on every envi. */
    private static final class HostName {
        static final String NAME = resolve();

        private static String resolve() {
            try {
                return InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                return "<NA>";
            }
        }
    }

    /** File descriptor counts from the JVM's Unix MXBean; -1 where unavailable (as ZooKeeper's OSMXBean). */
    static final class FileDescriptors {
        private FileDescriptors() {}

        static long open() {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
        }

        static long max() {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
        }
    }
}
