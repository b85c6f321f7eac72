package io.coordinator.server.request;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.ZkException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@code reconfig} request into the new ensemble's config, as ZooKeeper 3.9's PrepRequestProcessor does:
 * incremental ({@code joiningServers} added or replaced, {@code leavingServers} removed, from the config in
 * /zookeeper/config) or non-incremental ({@code newMembers}, the whole ensemble). Server lines are written as
 * ZooKeeper's QuorumServer.toString writes them ({@code server.N=host:quorum:election:role;clientHost:clientPort}),
 * so /zookeeper/config reads the same on both.
 */
final class ReconfigPreparer {
    private ReconfigPreparer() {}

    /** The data of the reconfig txn: the new server lines by id, then {@code version=} the txn's zxid in hex. */
    static Txn.Reconfig prepare(Requests.Reconfig req, byte[] currentConfig, ReconfigGate gate, long zxid) {
        String lines =
                newServerLines(req, currentConfig == null ? "" : new String(currentConfig, StandardCharsets.UTF_8));
        int code = gate.check(lines, req.curConfigId());
        if (code != Code.OK) {
            throw new ZkException(code, "reconfig refused");
        }
        return new Txn.Reconfig((lines + "version=" + Long.toHexString(zxid)).getBytes(StandardCharsets.UTF_8));
    }

    /** The whole new ensemble, one {@code server.N=} line each (newline-terminated), by id. */
    static String newServerLines(Requests.Reconfig req, String current) {
        Map<Integer, String> servers = new TreeMap<>();
        if (!blank(req.newMembers())) {
            if (!blank(req.joiningServers()) || !blank(req.leavingServers())) {
                throw bad("newMembers together with joiningServers or leavingServers");
            }
            addAll(servers, req.newMembers());
        } else {
            if (blank(req.joiningServers()) && blank(req.leavingServers())) {
                throw bad("no joining, leaving or new members");
            }
            for (String line : current.split("\n")) {
                if (line.trim().startsWith("server.")) {
                    put(servers, line.trim());
                }
            }
            if (!blank(req.leavingServers())) {
                for (String id : req.leavingServers().split(",")) {
                    servers.remove(parseId(id.trim(), id));
                }
            }
            if (!blank(req.joiningServers())) {
                addAll(servers, req.joiningServers());
            }
        }
        if (servers.values().stream().allMatch(l -> l.contains(":observer;") || l.endsWith(":observer"))) {
            throw bad("the new configuration has no participant");
        }
        StringBuilder b = new StringBuilder();
        servers.values().forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    private static void addAll(Map<Integer, String> servers, String spec) {
        for (String entry : spec.split(",")) {
            if (!entry.isBlank()) {
                put(servers, entry.trim());
            }
        }
    }

    /** {@code server.N=host:port:port[:role][;[clientHost:]clientPort]}, normalised as ZooKeeper writes it. */
    private static void put(Map<Integer, String> servers, String entry) {
        int eq = entry.indexOf('=');
        if (!entry.startsWith("server.") || eq < 0) {
            throw bad("'" + entry + "' is not server.N=host:port:port[:role][;clientPort]");
        }
        int id = parseId(entry.substring("server.".length(), eq).trim(), entry);
        String value = entry.substring(eq + 1).trim();
        int semi = value.indexOf(';');
        String quorum = semi < 0 ? value : value.substring(0, semi).trim();
        String client = semi < 0 ? null : value.substring(semi + 1).trim();
        String[] parts = quorum.split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw bad("'" + entry + "' needs host:quorumPort:electionPort[:role]");
        }
        port(parts[1], entry);
        port(parts[2], entry);
        String role = parts.length == 4 ? parts[3] : "participant";
        if (!role.equals("participant") && !role.equals("observer")) {
            throw bad("'" + entry + "': role '" + role + "' is neither participant nor observer");
        }
        StringBuilder line = new StringBuilder("server.")
                .append(id)
                .append('=')
                .append(parts[0])
                .append(':')
                .append(parts[1])
                .append(':')
                .append(parts[2])
                .append(':')
                .append(role);
        if (client != null && !client.isEmpty()) {
            int colon = client.lastIndexOf(':');
            String host = colon < 0 ? "0.0.0.0" : client.substring(0, colon);
            port(colon < 0 ? client : client.substring(colon + 1), entry);
            line.append(';').append(host).append(':').append(colon < 0 ? client : client.substring(colon + 1));
        }
        servers.put(id, line.toString());
    }

    private static int parseId(String id, String entry) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw bad("bad server id in '" + entry + "'");
        }
    }

    private static void port(String p, String entry) {
        try {
            int port = Integer.parseInt(p.trim());
            if (port < 0 || port > 65535) {
                throw bad("port " + p + " out of range in '" + entry + "'");
            }
        } catch (NumberFormatException e) {
            throw bad("bad port '" + p + "' in '" + entry + "'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ZkException bad(String why) {
        return new ZkException(Code.BADARGUMENTS, "reconfig: " + why);
    }
}
