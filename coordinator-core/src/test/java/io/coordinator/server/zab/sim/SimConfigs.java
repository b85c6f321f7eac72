package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.tree.DataNode;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.ZabConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Membership for the harnesses: the configuration a restarting server takes (as a driver would: the one in its
 * tree's /zookeeper/config, or the one the operator started a new member with), and the invariant that every
 * committed txn stays durable on a quorum of the configuration it was committed under and of every later one.
 */
final class SimConfigs {
    private SimConfigs() {}

    /** The configuration in a tree's /zookeeper/config (written by a committed reconfig), or null if none. */
    static ZabConfig fromTree(DataTree tree, ZabConfig base) {
        DataNode node = tree.getNode(Txn.Reconfig.PATH);
        byte[] data = node == null ? null : node.data();
        if (data == null || data.length == 0) {
            return null;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        long version = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("version=")) {
                version = Long.parseLong(line.substring("version=".length()).trim(), 16);
            }
        }
        List<Peer> peers = ZabConfig.parseMembers(text);
        return peers.stream().anyMatch(p -> !p.observer()) ? base.withMembers(version, peers) : null;
    }

    /**
     * The config a server starts with: the newest of the one it was first given (the initial ensemble's, or the
     * ensemble's when the operator started it to be added), the committed one it persisted and the one its state
     * holds.
     */
    static ZabConfig startConfig(DataTree tree, ZabConfig given, ZabConfig persisted) {
        ZabConfig best = given;
        for (ZabConfig c : new ZabConfig[] {persisted, fromTree(tree, given)}) {
            if (c != null && c.version() > best.version()) {
                best = c;
            }
        }
        return best;
    }

    /** ZooKeeper's server lines for {@code peers}, as a reconfig request names the whole new ensemble. */
    static String lines(List<Peer> peers) {
        return peers.stream()
                .map(p -> "server." + p.id() + "=sim:0:0:" + (p.observer() ? "observer" : "participant"))
                .collect(Collectors.joining("\n"));
    }

    static String describe(List<Peer> peers) {
        return peers.stream().map(p -> p.id() + (p.observer() ? "o" : "")).collect(Collectors.joining(","));
    }

    /**
     * The committed configurations by version (0: the initial one), learned from the committed history, for the
     * durability invariant.
     */
    static final class History {
        final TreeMap<Long, List<Peer>> configs = new TreeMap<>();

        History(List<Peer> initial) {
            configs.put(0L, initial);
        }

        void committed(TxnRecord r) {
            if (r.txn() instanceof Txn.Reconfig rc) {
                configs.put(r.zxid(), ZabConfig.parseMembers(rc));
            }
        }

        /**
         * A description of the first committed txn that is not durable on a quorum of the voters of the config it
         * was committed under (for a reconfig: the old and the new one) and of every later committed config; null
         * if there is none.
         */
        String notDurable(Iterable<Long> committedZxids, BiPredicate<Integer, Long> holdsDurably) {
            for (long z : committedZxids) {
                List<List<Peer>> must = new ArrayList<>();
                Map.Entry<Long, List<Peer>> before = configs.lowerEntry(z);
                must.add(before.getValue());
                must.addAll(configs.tailMap(z, true).values());
                for (List<Peer> c : must) {
                    int voters = 0;
                    int holders = 0;
                    for (Peer p : c) {
                        if (!p.observer()) {
                            voters++;
                            if (holdsDurably.test(p.id(), z)) {
                                holders++;
                            }
                        }
                    }
                    if (holders < voters / 2 + 1) {
                        return "committed txn " + ZabText.zxid(z) + " is durable on only " + holders + " voters of "
                                + describe(c);
                    }
                }
            }
            return null;
        }
    }
}
