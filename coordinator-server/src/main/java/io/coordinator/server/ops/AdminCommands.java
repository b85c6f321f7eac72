package io.coordinator.server.ops;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.cluster.ProposalSizes;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.net.FourLetterWords;
import io.coordinator.server.net.NettyClientConnection;
import io.coordinator.server.net.ServerStats;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.zab.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring subset of ZooKeeper 3.9's AdminServer ({@code /commands/<name>}, org.apache.zookeeper.server.admin
 * .Commands): the same names and aliases, the same JSON fields, computed from the four-letter words' sources. Each
 * command is gated by the four-letter word ZooKeeper lists among its names (monitor by mntr, server_stats by srvr,
 * ...), so {@code coordinator.four-letter-words} switches both; {@code leader} has no word and is always answered.
 */
public final class AdminCommands {
    /** ZooKeeper's message when the server is not serving (Commands.runCommand). */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    /** An answer: the HTTP status and the JSON body (always with ZooKeeper's {@code command} and {@code error}). */
    public record Response(int status, Map<String, Object> body) {}

    /** A command: its primary name first, then its aliases; {@code word} is the four-letter word that gates it. */
    private record Command(List<String> names, String word) {
        String primary() {
            return names.get(0);
        }
    }

    private static final List<Command> COMMANDS = List.of(
            new Command(List.of("ruok"), "ruok"),
            new Command(List.of("monitor", "mntr"), "mntr"),
            new Command(List.of("server_stats", "srvr"), "srvr"),
            new Command(List.of("stats", "stat"), "stat"),
            new Command(List.of("configuration", "conf", "config"), "conf"),
            new Command(List.of("leader", "lead"), null),
            new Command(List.of("is_read_only", "isro"), "isro"),
            new Command(List.of("dirs"), "dirs"));

    /** Every name and alias of the monitoring commands (open to anyone, as the four-letter words are). */
    public static List<String> names() {
        return COMMANDS.stream().flatMap(c -> c.names().stream()).toList();
    }

    private final ServerHandle server;

    public AdminCommands(ServerHandle server) {
        this.server = server;
    }

    /** Runs {@code name} (a primary name or an alias); an unknown name answers ZooKeeper's "Unknown command". */
    public Response run(String name) {
        Command command = COMMANDS.stream()
                .filter(c -> c.names().contains(name))
                .findFirst()
                .orElse(null);
        if (command == null) {
            return error(200, name, "Unknown command: " + name);
        }
        String primary = command.primary();
        ClientPortServer port = server.clientPort();
        ServerView view = server.view();
        if (port == null || view == null || !server.isServing()) {
            return error(200, primary, NOT_SERVING);
        }
        FourLetterWords words = port.words();
        if (command.word() != null && !words.isEnabled(command.word())) {
            return error(
                    403,
                    primary,
                    primary + " is not executed because " + command.word() + " is not in the whitelist"
                            + " (coordinator.four-letter-words / 4lw.commands.whitelist)");
        }
        Map<String, Object> body = response(primary);
        switch (primary) {
            case "ruok" -> {}
            case "monitor" -> body.putAll(words.monitorValues());
            case "server_stats" -> serverStats(body, words, port, view);
            case "stats" -> {
                serverStats(body, words, port, view);
                body.put("connections", connections(port, false));
                body.put("secure_connections", connections(port, true));
            }
            case "configuration" -> configuration(body, port, view);
            case "leader" -> leader(body);
            case "is_read_only" -> body.put("read_only", view.isReadOnly());
            case "dirs" -> {
                body.put("datadir_size", words.dirs().snapshotBytes());
                body.put("logdir_size", words.dirs().logBytes());
            }
            default -> throw new IllegalStateException(primary);
        }
        return new Response(200, body);
    }

    /** ZooKeeper's CommandResponse: {@code command} and {@code error} first. */
    static Map<String, Object> response(String command) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("error", null);
        return body;
    }

    static Response error(int status, String command, String error) {
        Map<String, Object> body = response(command);
        body.put("error", error);
        return new Response(status, body);
    }

    /** SrvrCommand: version, read_only, server_stats (ServerStats as Jackson writes it), client_response, ... */
    private void serverStats(Map<String, Object> body, FourLetterWords words, ClientPortServer port, ServerView view) {
        ServerStats stats = port.stats();
        Map<String, Object> clientResponse =
                bufferStats(stats.lastResponseSize(), stats.minResponseSize(), stats.maxResponseSize());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("packets_sent", stats.packetsSent());
        s.put("packets_received", stats.packetsReceived());
        s.put("fsync_threshold_exceed_count", 0L); // ZooKeeper's fsync.warningthresholdms has no counterpart here
        s.put("client_response_stats", clientResponse);
        s.put("uptime", stats.uptimeMillis());
        s.put("max_latency", stats.maxLatency());
        s.put("num_alive_client_connections", port.connections().size());
        s.put("data_dir_size", words.dirs().snapshotBytes());
        s.put("log_dir_size", words.dirs().logBytes());
        s.put("last_processed_zxid", view.lastProcessedZxid());
        s.put("outstanding_requests", (long) view.outstandingRequests());
        s.put("server_state", view.mode());
        s.put("avg_latency", stats.avgLatency());
        s.put("min_latency", stats.minLatency());
        s.put("auth_failed_count", stats.tlsHandshakeFailures() + view.authFailures());
        // ZooKeeper's getters getNonMTLSRemoteConnCount/-Local, snake-cased by Jackson
        s.put("non_mtlsremote_conn_count", stats.nonMtlsRemoteConnections());
        s.put("non_mtlslocal_conn_count", stats.nonMtlsLocalConnections());
        s.put("provider_null", false);
        body.put("version", words.serverVersion());
        body.put("read_only", view.isReadOnly());
        body.put("server_stats", s);
        body.put("client_response", clientResponse);
        EnsembleDriver driver = server.ensemble();
        if (driver != null && driver.role() == Role.LEADING) {
            ProposalSizes sizes = driver.proposalSizes();
            body.put("proposal_stats", bufferStats(sizes.last(), sizes.min(), sizes.max()));
        }
        body.put("node_count", view.nodeCount());
    }

    /** ZooKeeper's BufferStats as Jackson writes it. */
    private static Map<String, Object> bufferStats(long last, long min, long max) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("last_buffer_size", last);
        m.put("min_buffer_size", min);
        m.put("max_buffer_size", max);
        return m;
    }

    private static List<Map<String, Object>> connections(ClientPortServer port, boolean secure) {
        return port.connections().connections().stream()
                .filter(c -> c.isSecure() == secure)
                .map(NettyClientConnection::briefInfo)
                .toList();
    }

    /** ZooKeeperServerConf.toMap: the conf values under ZooKeeper's JSON keys. */
    private void configuration(Map<String, Object> body, ClientPortServer port, ServerView view) {
        Map<String, String> conf = view.configuration();
        body.put("client_port", (long) port.port()); // the bound port (the configured one may be 0)
        body.put("data_dir", conf.get("dataDir"));
        body.put("data_log_dir", conf.get("dataLogDir"));
        body.put("tick_time", number(conf.get("tickTime")));
        body.put("max_client_cnxns", number(conf.get("maxClientCnxns")));
        body.put("min_session_timeout", number(conf.get("minSessionTimeout")));
        body.put("max_session_timeout", number(conf.get("maxSessionTimeout")));
        body.put("server_id", (long) server.serverId());
        body.put("client_port_listen_backlog", number(conf.get("clientPortListenBacklog")));
    }

    private static Long number(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** LeaderCommand: on a standalone server ZooKeeper answers "server is not initialized". */
    private void leader(Map<String, Object> body) {
        EnsembleDriver driver = server.ensemble();
        if (server.standalone() || driver == null) {
            body.put("error", "server is not initialized");
            return;
        }
        int leaderId = driver.role() == Role.LOOKING ? -1 : driver.leaderId();
        body.put("is_leader", driver.role() == Role.LEADING);
        body.put("leader_id", (long) leaderId);
        body.put(
                "leader_ip",
                server.members().stream()
                        .filter(m -> m.id() == leaderId)
                        .map(ServerHandle.Member::host)
                        .findFirst()
                        .orElse(""));
    }
}
