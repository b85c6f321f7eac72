package io.coordinator.server.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One server of an ensemble, in zoo.cfg's {@code server.N} syntax:
 * {@code ID=HOST:QUORUM_PORT:ELECTION_PORT[:participant|:observer][;[CLIENT_HOST:]CLIENT_PORT]}.
 *
 * @param clientPort -1 when the spec names none
 */
public record EnsembleMember(
        int id, String host, int quorumPort, int electionPort, boolean observer, String clientHost, int clientPort) {

    /** Parses a comma-separated ensemble; every error names the entry it comes from. */
    public static List<EnsembleMember> parseAll(String spec) {
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        List<EnsembleMember> members = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String entry : spec.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "ensemble entry '" + e + "' must look like ID=HOST:QUORUM_PORT:ELECTION_PORT");
            }
            EnsembleMember m = parse(
                    parseId(e.substring(0, eq).trim(), e), e.substring(eq + 1).trim());
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("ensemble names server " + m.id() + " twice");
            }
            members.add(m);
        }
        return List.copyOf(members);
    }

    /** Parses the part after "ID=" (also the value of a zoo.cfg server.N line). */
    public static EnsembleMember parse(int id, String value) {
        String address = value;
        String clientHost = null;
        int clientPort = -1;
        int semi = value.indexOf(';');
        if (semi >= 0) {
            address = value.substring(0, semi).trim();
            String client = value.substring(semi + 1).trim();
            int colon = client.lastIndexOf(':');
            if (colon >= 0) {
                clientHost = client.substring(0, colon);
                clientPort = port(client.substring(colon + 1), "client port", value);
            } else {
                clientPort = port(client, "client port", value);
            }
        }
        String[] parts = address.split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw new IllegalArgumentException("server " + id + ": '" + value
                    + "' must look like HOST:QUORUM_PORT:ELECTION_PORT[:participant|:observer][;CLIENT_PORT]");
        }
        boolean observer = false;
        if (parts.length == 4) {
            switch (parts[3].trim()) {
                case "participant" -> observer = false;
                case "observer" -> observer = true;
                default ->
                    throw new IllegalArgumentException(
                            "server " + id + ": role must be participant or observer, was '" + parts[3] + "'");
            }
        }
        String host = parts[0].trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("server " + id + ": missing host in '" + value + "'");
        }
        int quorumPort = port(parts[1], "quorum port", value);
        int electionPort = port(parts[2], "election port", value);
        if (quorumPort == electionPort) {
            throw new IllegalArgumentException(
                    "server " + id + ": quorum and election ports must differ in '" + value + "'");
        }
        return new EnsembleMember(id, host, quorumPort, electionPort, observer, clientHost, clientPort);
    }

    private static int parseId(String text, String entry) {
        try {
            int id = Integer.parseInt(text);
            if (id < 1 || id > 254) {
                throw new IllegalArgumentException("server id " + id + " in '" + entry + "' must be in 1..254");
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server id '" + text + "' in '" + entry + "' is not a number");
        }
    }

    private static int port(String text, String what, String value) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(what + " " + p + " out of range in '" + value + "'");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a number in '" + value + "'");
        }
    }

    /** This member as a line of /zookeeper/config, as ZooKeeper's QuorumServer.toString writes it. */
    public String configLine() {
        StringBuilder sb = new StringBuilder("server.")
                .append(id)
                .append('=')
                .append(host)
                .append(':')
                .append(quorumPort)
                .append(':')
                .append(electionPort)
                .append(':')
                .append(observer ? "observer" : "participant");
        if (clientPort > 0) {
            sb.append(';')
                    .append(clientHost == null ? "0.0.0.0" : clientHost)
                    .append(':')
                    .append(clientPort);
        }
        return sb.toString();
    }
}
