package io.coordinator.trust.check;

import io.coordinator.trust.history.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tree as the acknowledged writes (and the unknown writes the search chose) leave it. */
final class Model {
    static final long UNKNOWN_ZXID = -1;

    private final HashMap<String, ZNode> nodes;

    private Model(HashMap<String, ZNode> nodes) {
        this.nodes = nodes;
    }

    /** A model in which {@code existing} persistent nodes are there already (made before the history began). */
    static Model startingWith(List<String> existing) {
        HashMap<String, ZNode> m = new HashMap<>();
        m.put("/", new ZNode("", 0, 0, 0, 0, 0));
        for (String p : existing) {
            m.put(p, new ZNode(null, 0, UNKNOWN_ZXID, UNKNOWN_ZXID, 0, 0));
        }
        return new Model(m);
    }

    Model copy() {
        return new Model(new HashMap<>(nodes));
    }

    ZNode get(String path) {
        return nodes.get(path);
    }

    void put(String path, ZNode n) {
        nodes.put(path, n);
    }

    void remove(String path) {
        nodes.remove(path);
    }

    /** Child names, sorted. */
    List<String> children(String path) {
        List<String> out = new ArrayList<>();
        for (String p : nodes.keySet()) {
            if (!p.equals("/") && Paths.parent(p).equals(path)) {
                out.add(Paths.name(p));
            }
        }
        out.sort(null);
        return out;
    }

    /** The session ended: its ephemerals go. Returns how many. */
    int removeOwnedBy(long session) {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, ZNode> e : nodes.entrySet()) {
            if (e.getValue().owner() == session) {
                gone.add(e.getKey());
            }
        }
        gone.forEach(nodes::remove);
        return gone.size();
    }

    boolean ownsAny(long session) {
        return nodes.values().stream().anyMatch(n -> n.owner() == session);
    }

    void assign(Model other) {
        nodes.clear();
        nodes.putAll(other.nodes);
    }

    int fingerprint() {
        return nodes.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        nodes.keySet().stream().sorted().forEach(p -> {
            ZNode n = nodes.get(p);
            sb.append("  ")
                    .append(p)
                    .append(" = ")
                    .append(n.data())
                    .append(" v")
                    .append(n.version());
            if (n.owner() != 0) {
                sb.append(" ephemeral of 0x").append(Long.toHexString(n.owner()));
            }
            sb.append('\n');
        });
        return sb.toString();
    }
}
