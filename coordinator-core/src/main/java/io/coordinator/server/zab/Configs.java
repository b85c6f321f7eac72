package io.coordinator.server.zab;

import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations a node must respect (as ZooKeeper's quorum verifier and "last seen" one, generalised): the
 * last committed one, and every configuration proposed by a reconfig txn in its log after that point (pending).
 * A set of servers is a quorum only if it holds a quorum of voters of every one of them: a reconfig commits
 * with a quorum of the old and of the new configuration, and so does an election, discovery and establishment
 * of a node that has seen a reconfig it does not know to be committed (its history may be the one that was
 * committed, under either configuration).
 *
 * <p>Pending configs enter when their txn is appended, leave when it is cut, and become the committed config
 * when the commit point reaches their zxid (the version). The common case, no reconfig, is one config.
 */
final class Configs {
    private ZabConfig committed;
    private final TreeMap<Long, ZabConfig> pending = new TreeMap<>();
    private List<ZabConfig> all;

    Configs(ZabConfig committed) {
        this.committed = committed;
        this.all = List.of(committed);
    }

    ZabConfig committed() {
        return committed;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The newest config: the last pending one, else the committed one. */
    ZabConfig newest() {
        return pending.isEmpty() ? committed : pending.lastEntry().getValue();
    }

    /** The committed config, then the pending ones in zxid order. */
    List<ZabConfig> all() {
        return all;
    }

    /** A voter of any of the configs (ZooKeeper's "current and next config voters"). */
    boolean isVoter(int id) {
        for (ZabConfig c : all) {
            if (c.isVoter(id)) {
                return true;
            }
        }
        return false;
    }

    boolean isMember(int id) {
        for (ZabConfig c : all) {
            if (c.isMember(id)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code ids} hold a quorum of the voters of every config. */
    boolean quorum(Collection<Integer> ids) {
        for (ZabConfig c : all) {
            int n = 0;
            for (int id : ids) {
                if (c.isVoter(id)) {
                    n++;
                }
            }
            if (!c.reached(n)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code ids} hold every voter of every config. */
    boolean unanimous(Collection<Integer> ids) {
        for (ZabConfig c : all) {
            for (Peer p : c.peers()) {
                if (!p.observer() && !ids.contains(p.id())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A record was appended to the log: if it is a reconfig, its config is pending. */
    void appended(TxnRecord r) {
        if (r.txn() instanceof Txn.Reconfig rc && r.zxid() > committed.version()) {
            List<Peer> peers = ZabConfig.parseMembers(rc);
            if (peers.stream().anyMatch(p -> !p.observer())) {
                pending.put(r.zxid(), committed.withMembers(r.zxid(), peers));
                refresh();
            }
        }
    }

    /** The log was cut after {@code zxid}: the reconfigs after it are gone. */
    void truncated(long zxid) {
        if (!pending.isEmpty() && pending.lastKey() > zxid) {
            pending.tailMap(zxid, false).clear();
            refresh();
        }
    }

    /**
     * The commit point reached {@code zxid}: the pending configs at or before it are committed. Returns the
     * config committed before, if that changed, else null.
     */
    ZabConfig committedTo(long zxid) {
        if (pending.isEmpty() || pending.firstKey() > zxid) {
            return null;
        }
        ZabConfig before = committed;
        Map<Long, ZabConfig> head = pending.headMap(zxid, true);
        for (ZabConfig c : head.values()) {
            committed = c;
        }
        head.clear();
        refresh();
        return before;
    }

    /**
     * A snapshot at {@code zxid} whose configuration is {@code config} replaced the log up to it: that config
     * is committed (unless this node already knows a newer committed one) and nothing pending at or before
     * {@code zxid} remains.
     */
    void installed(long zxid, ZabConfig config) {
        pending.headMap(zxid, true).clear();
        if (config.version() >= committed.version()) {
            committed = config;
        }
        refresh();
    }

    /**
     * A peer told us {@code config} is committed (its election notification): take it if newer than ours; the
     * pending configs up to it are settled by it.
     */
    boolean learned(ZabConfig config) {
        if (config.version() <= committed.version()) {
            return false;
        }
        pending.headMap(config.version(), true).clear();
        committed = config;
        refresh();
        return true;
    }

    private void refresh() {
        List<ZabConfig> l = new ArrayList<>(1 + pending.size());
        l.add(committed);
        l.addAll(pending.values());
        all = List.copyOf(l);
    }
}
