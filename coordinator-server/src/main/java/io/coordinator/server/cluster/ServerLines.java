package io.coordinator.server.cluster;

import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.ZabConfig;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every server line this member has seen ({@code server.N=host:quorumPort:electionPort[:role][;client]}), by id:
 * from its start configuration and from each reconfig txn it logged or snapshot it installed. The core's
 * configurations name servers by id only; this gives their addresses, to connect to members as they appear and
 * to write a committed configuration out in ZooKeeper's form.
 */
final class ServerLines {
    private final Map<Integer, String> lines = new TreeMap<>();
    private long changes;

    /** Takes every server line of a config text (other lines, such as version=, are skipped). */
    void learn(String configText) {
        for (String line : configText.split("\n")) {
            String l = line.trim();
            int eq = l.indexOf('=');
            if (l.startsWith("server.") && eq > 0) {
                try {
                    int id =
                            Integer.parseInt(l.substring("server.".length(), eq).trim());
                    if (!l.equals(lines.put(id, l))) {
                        changes++;
                    }
                } catch (NumberFormatException ignored) {
                    // not a server line ZooKeeper would write; the config parser refuses such text elsewhere
                }
            }
        }
    }

    /** Grows whenever a line is added or changed (so a caller can skip work when nothing changed). */
    long changes() {
        return changes;
    }

    /** Every server id a line was seen for. */
    java.util.Set<Integer> ids() {
        return lines.keySet();
    }

    /** The config in ZooKeeper's dynamic-file form: its members' lines by id, then {@code version=} in hex. */
    String text(ZabConfig config) {
        StringBuilder b = new StringBuilder();
        for (Peer p : config.peers().stream()
                .sorted((a, c) -> Integer.compare(a.id(), c.id()))
                .toList()) {
            String line = lines.get(p.id());
            // a member learned from an election notification only (no txn seen): its role, no address yet; the
            // driver keeps the config again once the txn brought the line
            b.append(
                            line != null
                                    ? line
                                    : "server." + p.id() + "=unknown:0:0:"
                                            + (p.observer() ? "observer" : "participant"))
                    .append('\n');
        }
        return b.append("version=").append(Long.toHexString(config.version())).toString();
    }

    /** Quorum (field 1) or election (field 2) addresses of {@code ids}, those whose line has one. */
    Map<Integer, InetSocketAddress> addresses(Iterable<Integer> ids, int field) {
        Map<Integer, InetSocketAddress> out = new HashMap<>();
        for (int id : ids) {
            String line = lines.get(id);
            if (line == null) {
                continue;
            }
            String value = line.substring(line.indexOf('=') + 1);
            int semi = value.indexOf(';');
            String[] parts = (semi < 0 ? value : value.substring(0, semi)).split(":");
            if (parts.length < 3) {
                continue;
            }
            try {
                int port = Integer.parseInt(parts[field].trim());
                if (port > 0) {
                    out.put(id, InetSocketAddress.createUnresolved(parts[0].trim(), port));
                }
            } catch (NumberFormatException ignored) {
                // an unparseable line has no address to dial
            }
        }
        return out;
    }
}
