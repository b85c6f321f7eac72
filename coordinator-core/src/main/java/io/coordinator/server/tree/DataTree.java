package io.coordinator.server.tree;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.WatcherEvent;
import io.coordinator.server.protocol.ZkException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * The znode tree: applies txns deterministically, answers reads, keeps watches, quota stats, ephemerals,
 * containers and TTL nodes, and writes/reads fuzzy snapshots.
 *
 * <p>Threading: one writer thread calls apply and every read/watch method; one snapshot thread may call
 * {@link #serialize} at the same time. The node map is concurrent and each node is mutated and copied under
 * its own monitor; everything else (watches, ephemerals, quotas) is touched by the writer only.
 */
public final class DataTree {
    static final String ROOT = "/";
    static final String ZOOKEEPER = "/zookeeper";
    static final String QUOTA = "/zookeeper/quota";
    static final String CONFIG = "/zookeeper/config";
    /** The node that holds the ensemble's configuration text (ZooKeeper's ZooDefs.CONFIG_NODE). */
    public static final String CONFIG_PATH = CONFIG;

    private final ConcurrentHashMap<String, DataNode> nodes = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    private final Set<String> containers = new TreeSet<>();
    private final Set<String> ttls = new TreeSet<>();
    /** Paths that have a zookeeper_limits node (ZooKeeper's PathTrie). */
    private final Set<String> quotaPaths = new HashSet<>();

    private final WatchTable dataWatches = new WatchTable();
    private final WatchTable childWatches = new WatchTable();
    /** The nodes' ACL lists, shared and reference-counted (writer only). */
    private final AclCache acls = new AclCache();

    private volatile long lastProcessedZxid;

    /** A fresh tree: "/", "/zookeeper", "/zookeeper/quota" and "/zookeeper/config" as ZooKeeper makes them. */
    public DataTree() {
        nodes.put(ROOT, systemNode(Acl.OPEN_ACL_UNSAFE, 0));
        nodes.put(ZOOKEEPER, systemNode(Acl.OPEN_ACL_UNSAFE, 0));
        nodes.put(QUOTA, systemNode(Acl.OPEN_ACL_UNSAFE, 0));
        // The config node is READ-only for everyone, set with version -1 (ZOOKEEPER-2014): aversion shows -1.
        nodes.put(CONFIG, systemNode(Acl.READ_ACL_UNSAFE, -1));
        nodes.get(ROOT).addChild("zookeeper");
        nodes.get(ZOOKEEPER).addChild("quota");
        nodes.get(ZOOKEEPER).addChild("config");
    }

    /** An empty tree for {@link #deserialize} and {@link TreeBuilder}: every node, the root included, is loaded. */
    DataTree(Void empty) {}

    private DataNode systemNode(List<Acl> acl, int aversion) {
        return new DataNode(new byte[0], acls.acquire(acl), new StatPersisted(0, 0, 0, 0, 0, 0, aversion, 0, 0));
    }

    /** The special nodes that can never be deleted. */
    public static boolean isSystemPath(String path) {
        return ROOT.equals(path) || ZOOKEEPER.equals(path) || QUOTA.equals(path) || CONFIG.equals(path);
    }

    // ------------------------------------------------------------------ apply

    /**
     * Applies one txn. Never throws for a txn that does not fit the tree (as when replaying the log over a
     * fuzzy snapshot): the result carries the error and that txn changes nothing, except what ZooKeeper also
     * does to heal fuzzy replays (a delete of a missing child still raises the parent's pzxid; a create that
     * finds its node still raises the parent's cversion/pzxid when the txn's are larger).
     *
     * <p>A txn never touches a node created after it (czxid > the txn's zxid): such a node is a later
     * incarnation of the path, which a fuzzy snapshot can hold while the log still has txns for the earlier
     * one. A SetData, SetAcl or Delete of that path, or a Create or Delete of a child under it, was meant for
     * the earlier incarnation, which the live tree deleted before this node was created; it answers NONODE and
     * changes nothing. Live, every node is older than the txn being applied, so this only acts on replay.
     */
    public ApplyResult apply(TxnHeader header, Txn txn) {
        ApplyResult result = applyOne(header, txn);
        // Only after the whole txn (a multi included) so a snapshot never claims half of it.
        if (header.zxid() > lastProcessedZxid) {
            lastProcessedZxid = header.zxid();
        }
        return result;
    }

    private ApplyResult applyOne(TxnHeader header, Txn txn) {
        long zxid = header.zxid();
        if (txn instanceof Txn.Create c) {
            return create(c, zxid, header.time());
        } else if (txn instanceof Txn.Delete d) {
            return delete(d.path(), zxid);
        } else if (txn instanceof Txn.SetData s) {
            return setData(s, zxid, header.time());
        } else if (txn instanceof Txn.SetAcl s) {
            return setAcl(s, zxid);
        } else if (txn instanceof Txn.Reconfig r) {
            // as ZooKeeper applies its reconfig txn: a setData of /zookeeper/config, version -1
            return setData(new Txn.SetData(CONFIG, r.data(), -1), zxid, header.time());
        } else if (txn instanceof Txn.Check c) {
            return ApplyResult.ok(c.path(), null);
        } else if (txn instanceof Txn.CloseSession c) {
            closeSession(c.sessionId(), zxid);
            return ApplyResult.ok(null, null);
        } else if (txn instanceof Txn.Error e) {
            return ApplyResult.error(e.err(), null);
        } else if (txn instanceof Txn.Multi m) {
            return multi(header, m);
        }
        return ApplyResult.ok(null, null); // CreateSession: sessions live elsewhere
    }

    private ApplyResult multi(TxnHeader header, Txn.Multi multi) {
        List<Txn> ops = multi.txns() == null ? List.of() : multi.txns();
        boolean failed = ops.stream().anyMatch(t -> t instanceof Txn.Error);
        boolean afterError = false;
        int err = Code.OK;
        List<ApplyResult> results = new ArrayList<>(ops.size());
        for (Txn op : ops) {
            ApplyResult r;
            if (op instanceof Txn.Error e) {
                afterError = true;
                r = ApplyResult.error(e.err(), null);
            } else if (failed) {
                // A failed multi applies nothing; report its ops as ZooKeeper does (rolled back / not run).
                r = ApplyResult.error(afterError ? Code.RUNTIMEINCONSISTENCY : Code.OK, null);
            } else {
                r = applyOne(header, op);
            }
            results.add(r);
            if (r.err() != Code.OK && err == Code.OK) {
                err = r.err();
            }
        }
        return new ApplyResult(err, null, null, results);
    }

    private ApplyResult create(Txn.Create c, long zxid, long time) {
        String path = c.path();
        if (path == null || !path.startsWith("/")) {
            return ApplyResult.error(Code.BADARGUMENTS, path);
        }
        String parentPath = Paths.parent(path);
        if (parentPath == null) {
            return ApplyResult.error(Code.NODEEXISTS, path);
        }
        DataNode parent = nodes.get(parentPath);
        if (parent == null || bornAfter(parent, zxid)) {
            return ApplyResult.error(Code.NONODE, path);
        }
        if (nodes.containsKey(path)) {
            raiseCversion(parent, c.parentCVersion(), zxid);
            return ApplyResult.error(Code.NODEEXISTS, path);
        }
        DataNode node = DataNode.created(c.data(), acls.acquire(c.acl()), zxid, time, c.ephemeralOwner());
        // Into the map before the parent lists it: the snapshot walk, holding the parent's monitor, finds
        // every listed child in the map (TreeCodec.write).
        nodes.put(path, node);
        synchronized (parent) {
            raiseCversion(parent, c.parentCVersion(), zxid);
            parent.addChild(Paths.name(path));
        }
        indexByOwner(path, c.ephemeralOwner());
        Stat stat = node.stat();

        String quotaed = QuotaStats.quotaedPathOf(parentPath);
        if (quotaed != null) {
            String name = Paths.name(path);
            if (QuotaStats.LIMIT_NODE.equals(name)) {
                quotaPaths.add(quotaed);
            } else if (QuotaStats.STAT_NODE.equals(name)) {
                recomputeQuotaStats(quotaed);
            }
        }
        String prefix = maxQuotaPrefix(path);
        if (prefix != null) {
            updateQuotaStats(prefix, 1, length(c.data()));
        }

        fire(dataWatches.trigger(path), WatcherEvent.NODE_CREATED, path, zxid, node.acl(), null);
        fireChildrenChanged(parentPath, parent, zxid);
        return ApplyResult.ok(path, stat);
    }

    /** Created after the txn with this zxid, so not the incarnation that txn was for (see {@link #apply}). */
    private static boolean bornAfter(DataNode node, long zxid) {
        return node.czxid() > zxid;
    }

    /** Sets the parent's stored cversion (and pzxid) when the txn's value is larger; -1 means "one more". */
    private static void raiseCversion(DataNode parent, int parentCVersion, long zxid) {
        synchronized (parent) {
            int target = parentCVersion == -1 ? parent.storedCversion() + 1 : parentCVersion;
            if (target > parent.storedCversion()) {
                parent.setCversionAndPzxid(target, zxid);
            }
        }
    }

    private ApplyResult delete(String path, long zxid) {
        if (path == null || !path.startsWith("/")) {
            return ApplyResult.error(Code.BADARGUMENTS, path);
        }
        if (isSystemPath(path)) {
            return ApplyResult.error(Code.BADARGUMENTS, path);
        }
        String parentPath = Paths.parent(path);
        DataNode parent = nodes.get(parentPath);
        if (parent == null) {
            return ApplyResult.error(Code.NONODE, path);
        }
        DataNode node = nodes.get(path);
        if (bornAfter(parent, zxid) || (node != null && bornAfter(node, zxid))) {
            // Meant for an earlier incarnation, already gone; the parent's pzxid is past this zxid anyway.
            return ApplyResult.error(Code.NONODE, path);
        }
        if (node != null && node.numChildren() > 0) {
            // ZooKeeper would orphan the children; refusing keeps the tree whole (only reachable on replay).
            return ApplyResult.error(Code.NOTEMPTY, path);
        }
        // Unlisted before it leaves the map (see create).
        synchronized (parent) {
            parent.removeChild(Paths.name(path));
            // Only when larger: a replayed delete must not undo a later create's pzxid.
            if (zxid > parent.pzxid()) {
                parent.setPzxid(zxid);
            }
        }
        if (node == null) {
            return ApplyResult.error(Code.NONODE, path);
        }
        nodes.remove(path);
        acls.release(node.acl());
        long owner = node.ephemeralOwner();
        if (Txn.isContainer(owner)) {
            containers.remove(path);
        } else if (Txn.isTtl(owner)) {
            ttls.remove(path);
        } else if (owner != 0) {
            Set<String> paths = ephemerals.get(owner);
            if (paths != null) {
                paths.remove(path);
                if (paths.isEmpty()) {
                    ephemerals.remove(owner);
                }
            }
        }
        String quotaed = QuotaStats.quotaedPathOf(parentPath);
        if (quotaed != null && QuotaStats.LIMIT_NODE.equals(Paths.name(path))) {
            quotaPaths.remove(quotaed);
        }
        String prefix = maxQuotaPrefix(path);
        if (prefix != null) {
            updateQuotaStats(prefix, -1, -length(node.data()));
        }

        Set<Watcher> notified = dataWatches.trigger(path);
        fire(notified, WatcherEvent.NODE_DELETED, path, zxid, node.acl(), null);
        // A watcher with both a data and a child watch gets one NodeDeleted.
        fire(childWatches.trigger(path), WatcherEvent.NODE_DELETED, path, zxid, node.acl(), notified);
        fireChildrenChanged(parentPath, parent, zxid);
        return ApplyResult.ok(path, null);
    }

    private ApplyResult setData(Txn.SetData s, long zxid, long time) {
        DataNode node = s.path() == null ? null : nodes.get(s.path());
        if (node == null || bornAfter(node, zxid)) {
            return ApplyResult.error(Code.NONODE, s.path());
        }
        byte[] old = node.data();
        Stat stat;
        synchronized (node) {
            node.setData(s.data(), s.version(), zxid, time);
            stat = node.stat();
        }
        String prefix = maxQuotaPrefix(s.path());
        if (prefix != null) {
            updateQuotaStats(prefix, 0, length(s.data()) - length(old));
        }
        fire(dataWatches.trigger(s.path()), WatcherEvent.NODE_DATA_CHANGED, s.path(), zxid, node.acl(), null);
        return ApplyResult.ok(s.path(), stat);
    }

    private ApplyResult setAcl(Txn.SetAcl s, long zxid) {
        DataNode node = s.path() == null ? null : nodes.get(s.path());
        if (node == null || bornAfter(node, zxid)) {
            return ApplyResult.error(Code.NONODE, s.path());
        }
        List<Acl> old = node.acl();
        List<Acl> acl = acls.acquire(s.acl());
        ApplyResult result;
        synchronized (node) {
            node.setAcl(acl, s.version());
            result = ApplyResult.ok(s.path(), node.stat());
        }
        acls.release(old);
        return result;
    }

    /** Deletes the session's ephemerals in sorted order, so every server fires the same events in order. */
    private void closeSession(long sessionId, long zxid) {
        Set<String> paths = ephemerals.get(sessionId);
        if (paths == null) {
            return;
        }
        // delete() drops each path from the session's set (and the set when empty); a node it declines
        // (born after this close, see apply) stays tracked with its owner.
        for (String path : new TreeSet<>(paths)) {
            delete(path, zxid);
        }
    }

    private static long length(byte[] data) {
        return data == null ? 0 : data.length;
    }

    /** A child was added to or removed from the node at parentPath. */
    private void fireChildrenChanged(String parentPath, DataNode parent, long zxid) {
        fire(
                childWatches.trigger(parentPath),
                WatcherEvent.NODE_CHILDREN_CHANGED,
                parentPath,
                zxid,
                parent.acl(),
                null);
    }

    private static void fire(
            Set<Watcher> watchers, int type, String path, long zxid, List<Acl> acl, Set<Watcher> suppress) {
        if (watchers.isEmpty()) {
            return;
        }
        WatcherEvent event = new WatcherEvent(type, WatcherEvent.STATE_SYNC_CONNECTED, path);
        for (Watcher w : watchers) {
            if (suppress != null && suppress.contains(w)) {
                continue;
            }
            try {
                w.process(event, zxid, acl);
            } catch (RuntimeException e) {
                // A broken connection must not leave the tree half-applied; the connection cleans up itself.
            }
        }
    }

    /** Sets /zookeeper/config's data without touching its Stat (standalone startup). */
    public void setConfigData(byte[] data) {
        DataNode node = nodes.get(CONFIG);
        synchronized (node) {
            node.replaceData(data);
        }
    }

    /**
     * Sets /zookeeper/config as ZooKeeper does when it loads a quorum config: version -1, mzxid = the config
     * version, mtime = now; fires NodeDataChanged.
     */
    public void setConfigData(byte[] data, long configVersion, long now) {
        DataNode node = nodes.get(CONFIG);
        synchronized (node) {
            node.setData(data, -1, configVersion, now);
        }
        fire(dataWatches.trigger(CONFIG), WatcherEvent.NODE_DATA_CHANGED, CONFIG, configVersion, node.acl(), null);
    }

    public long lastProcessedZxid() {
        return lastProcessedZxid;
    }

    public void setLastProcessedZxid(long zxid) {
        this.lastProcessedZxid = zxid;
    }

    // ------------------------------------------------------------------ reads

    /** null if absent. Like ZooKeeper, "" names the root too (its DataTree keeps the root under both keys). */
    public DataNode getNode(String path) {
        return path == null ? null : nodes.get(path.isEmpty() ? "/" : path);
    }

    private DataNode existing(String path) {
        DataNode node = getNode(path);
        if (node == null) {
            throw new ZkException(Code.NONODE);
        }
        return node;
    }

    /** The node's Stat; arms an exist watch (also on a missing node, before throwing NONODE). */
    public Stat exists(String path, Watcher watcher) {
        if (watcher != null && path != null) {
            dataWatches.add(path, watcher, WatchTable.STANDARD);
        }
        return existing(path).stat();
    }

    /** Data (null stays null) and Stat; arms a data watch only when the node exists. */
    public DataAndStat getData(String path, Watcher watcher) {
        DataNode node = existing(path);
        if (watcher != null) {
            dataWatches.add(path, watcher, WatchTable.STANDARD);
        }
        return new DataAndStat(node.data(), node.stat());
    }

    /** Child names (unordered) and Stat; arms a child watch only when the node exists. */
    public ChildrenAndStat getChildren(String path, Watcher watcher) {
        DataNode node = existing(path);
        if (watcher != null) {
            childWatches.add(path, watcher, WatchTable.STANDARD);
        }
        return new ChildrenAndStat(new ArrayList<>(node.children()), node.stat());
    }

    public AclAndStat getAcl(String path) {
        DataNode node = existing(path);
        return new AclAndStat(new ArrayList<>(node.acl()), node.stat());
    }

    /** That session's ephemeral paths, sorted. */
    public List<String> getEphemerals(long sessionId) {
        Set<String> paths = ephemerals.get(sessionId);
        return paths == null ? new ArrayList<>() : new ArrayList<>(new TreeSet<>(paths));
    }

    /** A copy: session id to its ephemeral paths (sorted). */
    public Map<Long, List<String>> ephemeralsBySession() {
        Map<Long, List<String>> copy = new HashMap<>();
        ephemerals.forEach((session, paths) -> copy.put(session, new ArrayList<>(new TreeSet<>(paths))));
        return copy;
    }

    /** All descendants of path, not counting path itself ("/" counts /zookeeper and below). */
    public int allChildrenNumber(String path) {
        if (ROOT.equals(path)) {
            return nodes.size() - 1;
        }
        String prefix = path + "/";
        int n = 0;
        for (String p : nodes.keySet()) {
            if (p.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The node count ZooKeeper reports (srvr, mntr): it keeps the root under both "" and "/", so a fresh
     * tree reports 5.
     */
    public int nodeCount() {
        return nodes.size() + 1;
    }

    /**
     * Sum of path lengths and data lengths, as ZooKeeper's approximateDataSize (mntr). ZooKeeper keeps the
     * root under both "" and "/", so the root's data counts twice.
     */
    public long approximateDataSize() {
        long total = length(nodes.get(ROOT).data());
        for (Map.Entry<String, DataNode> e : nodes.entrySet()) {
            total += e.getKey().length() + length(e.getValue().data());
        }
        return total;
    }

    public int ephemeralCount() {
        int n = 0;
        for (Set<String> paths : ephemerals.values()) {
            n += paths.size();
        }
        return n;
    }

    // ------------------------------------------------------------------ watches

    /** Watches {@code watcher} holds, counted as ZooKeeper counts them: (path, table) pairs. */
    public int watchCountOf(Watcher watcher) {
        return dataWatches.count(watcher) + childWatches.count(watcher);
    }

    /** Whether {@code watcher} already holds a watch on {@code path} in the data (or the child) table. */
    public boolean isWatching(String path, Watcher watcher, boolean childTable) {
        return (childTable ? childWatches : dataWatches).contains(path, watcher, WatchTable.ANY);
    }

    /** addWatch: PERSISTENT goes into both tables, PERSISTENT_RECURSIVE into the data table only. */
    public void addWatch(String path, Watcher watcher, boolean recursive) {
        if (recursive) {
            dataWatches.add(path, watcher, WatchTable.RECURSIVE);
        } else {
            dataWatches.add(path, watcher, WatchTable.PERSISTENT);
            childWatches.add(path, watcher, WatchTable.PERSISTENT);
        }
    }

    /**
     * removeWatches / checkWatches. watcherType: 1 children, 2 data, 3 any, 4 persistent, 5 persistent
     * recursive. Returns false when nothing matched (the caller answers NOWATCHER). An unknown type is
     * BADARGUMENTS.
     */
    public boolean removeWatches(String path, int watcherType, Watcher watcher, boolean checkOnly) {
        return switch (watcherType) {
            case 1 -> apply(childWatches, path, watcher, WatchTable.STANDARD, checkOnly);
            case 2 -> apply(dataWatches, path, watcher, WatchTable.STANDARD, checkOnly);
            case 3 ->
                apply(childWatches, path, watcher, WatchTable.ANY, checkOnly)
                        | apply(dataWatches, path, watcher, WatchTable.ANY, checkOnly);
            case 4 ->
                apply(childWatches, path, watcher, WatchTable.PERSISTENT, checkOnly)
                        | apply(dataWatches, path, watcher, WatchTable.PERSISTENT, checkOnly);
            case 5 -> apply(dataWatches, path, watcher, WatchTable.RECURSIVE, checkOnly);
            default -> throw new ZkException(Code.BADARGUMENTS);
        };
    }

    private static boolean apply(WatchTable table, String path, Watcher watcher, int modes, boolean checkOnly) {
        return checkOnly ? table.contains(path, watcher, modes) : table.remove(path, watcher, modes);
    }

    /**
     * Re-registers a reconnecting client's watches. Catch-up events for what changed after relativeZxid are
     * sent synchronously through watcher.process(event, -1, null): data watch - missing: NodeDeleted, mzxid
     * newer: NodeDataChanged; exist watch - present: NodeCreated; child watch - missing: NodeDeleted, pzxid
     * newer: NodeChildrenChanged; otherwise the watch is armed. Persistent ones are armed, no events.
     */
    public void setWatches(
            long relativeZxid,
            List<String> data,
            List<String> exist,
            List<String> child,
            List<String> persistent,
            List<String> persistentRecursive,
            Watcher watcher) {
        for (String path : orEmpty(data)) {
            rearm(path, relativeZxid, DataNode::mzxid, WatcherEvent.NODE_DATA_CHANGED, dataWatches, watcher);
        }
        for (String path : orEmpty(exist)) {
            if (getNode(path) != null) {
                catchUp(watcher, WatcherEvent.NODE_CREATED, path);
            } else if (path != null) {
                dataWatches.add(path, watcher, WatchTable.STANDARD);
            }
        }
        for (String path : orEmpty(child)) {
            rearm(path, relativeZxid, DataNode::pzxid, WatcherEvent.NODE_CHILDREN_CHANGED, childWatches, watcher);
        }
        for (String path : orEmpty(persistent)) {
            addWatch(path, watcher, false);
        }
        for (String path : orEmpty(persistentRecursive)) {
            addWatch(path, watcher, true);
        }
    }

    /**
     * A data or child watch of a reconnecting client: NodeDeleted if the node is gone, {@code changed} if the
     * node's {@code zxid} (mzxid or pzxid) is newer than what the client saw, else the watch is armed.
     */
    private void rearm(
            String path,
            long relativeZxid,
            ToLongFunction<DataNode> zxid,
            int changed,
            WatchTable table,
            Watcher watcher) {
        DataNode node = getNode(path);
        if (node == null) {
            catchUp(watcher, WatcherEvent.NODE_DELETED, path);
        } else if (zxid.applyAsLong(node) > relativeZxid) {
            catchUp(watcher, changed, path);
        } else {
            table.add(path, watcher, WatchTable.STANDARD);
        }
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static void catchUp(Watcher watcher, int type, String path) {
        watcher.process(new WatcherEvent(type, WatcherEvent.STATE_SYNC_CONNECTED, path), -1, null);
    }

    /** The connection is closed: drop all its watches. */
    public void removeWatcher(Watcher watcher) {
        dataWatches.removeWatcher(watcher);
        childWatches.removeWatcher(watcher);
    }

    /** (path, watcher) pairs over both tables, as ZooKeeper's getWatchCount (mntr zk_watch_count). */
    public int watchCount() {
        return dataWatches.size() + childWatches.size();
    }

    public int watchedPathCount() {
        Set<String> paths = new HashSet<>(dataWatches.paths());
        paths.addAll(childWatches.paths());
        return paths.size();
    }

    public int watcherCount() {
        return watchesByWatcher().size();
    }

    public Map<Watcher, List<String>> watchesByWatcher() {
        Map<Watcher, Set<String>> sets = new LinkedHashMap<>();
        dataWatches.collectByWatcher(sets);
        childWatches.collectByWatcher(sets);
        return WatchTable.toLists(sets);
    }

    public Map<String, List<Watcher>> watchesByPath() {
        Map<String, Set<Watcher>> sets = new LinkedHashMap<>();
        dataWatches.collectByPath(sets);
        childWatches.collectByPath(sets);
        return WatchTable.toLists(sets);
    }

    // ------------------------------------------------------------------ containers and TTL

    /**
     * Containers the leader should delete: childless with stored cversion > 0 (they once had a child), sorted,
     * at most maxPerMinute of them.
     */
    public List<String> containersToDelete(int maxPerMinute) {
        return containersToDelete(maxPerMinute, 0, 0);
    }

    /**
     * As {@link #containersToDelete(int)}; with maxNeverUsedIntervalMs > 0, never-used containers older than
     * that (now - mtime) are candidates too (znode.container.maxNeverUsedIntervalMs).
     */
    public List<String> containersToDelete(int maxPerMinute, long now, long maxNeverUsedIntervalMs) {
        List<String> out = new ArrayList<>();
        for (String path : containers) {
            if (out.size() >= maxPerMinute) {
                break;
            }
            DataNode node = nodes.get(path);
            if (node == null || node.numChildren() > 0) {
                continue;
            }
            if (node.storedCversion() > 0
                    || (maxNeverUsedIntervalMs > 0 && now - node.mtime() > maxNeverUsedIntervalMs)) {
                out.add(path);
            }
        }
        return out;
    }

    /** Childless TTL nodes with now - mtime > ttl, sorted. */
    public List<String> expiredTtlNodes(long now) {
        List<String> out = new ArrayList<>();
        for (String path : ttls) {
            DataNode node = nodes.get(path);
            if (node == null || node.numChildren() > 0) {
                continue;
            }
            long ttl = Txn.ttlOf(node.ephemeralOwner());
            if (ttl != 0 && now - node.mtime() > ttl) {
                out.add(path);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ quotas

    /**
     * ZooKeeper's quota check for a create (countDelta 1, bytesDelta = data length) or a setData (countDelta 0,
     * bytesDelta = new - old length): only the deepest enclosing quota counts; a soft limit never fails,
     * a hard limit (countHardLimit / byteHardLimit) throws QUOTAEXCEEDED.
     */
    public void checkQuota(String path, long bytesDelta, int countDelta) {
        String prefix = maxQuotaPrefix(path);
        if (prefix == null) {
            return;
        }
        DataNode limitNode = nodes.get(QuotaStats.limitPath(prefix));
        if (limitNode == null) {
            return;
        }
        QuotaStats limits = QuotaStats.parse(limitNode.data());
        boolean checkCount = countDelta != 0 && (limits.count() > -1 || limits.countHardLimit() > -1);
        boolean checkBytes = bytesDelta != 0 && (limits.bytes() > -1 || limits.byteHardLimit() > -1);
        if (!checkCount && !checkBytes) {
            return;
        }
        DataNode statNode = nodes.get(QuotaStats.statPath(prefix));
        if (statNode == null) {
            return;
        }
        QuotaStats current = QuotaStats.parse(statNode.data());
        if (checkCount && limits.countHardLimit() > -1 && current.count() + countDelta > limits.countHardLimit()) {
            throw new ZkException(Code.QUOTAEXCEEDED, "Quota exceeded: " + prefix);
        }
        if (checkBytes && limits.byteHardLimit() > -1 && current.bytes() + bytesDelta > limits.byteHardLimit()) {
            throw new ZkException(Code.QUOTAEXCEEDED, "Quota exceeded: " + prefix);
        }
    }

    /** The deepest quota'd path at or above path, or null ("/" never counts, as in ZooKeeper). */
    String maxQuotaPrefix(String path) {
        if (quotaPaths.isEmpty() || path == null) {
            return null;
        }
        for (String p = path; p != null && !p.equals(ROOT); p = Paths.parent(p)) {
            if (quotaPaths.contains(p)) {
                return p;
            }
        }
        return null;
    }

    private void updateQuotaStats(String prefix, long countDelta, long bytesDelta) {
        DataNode statNode = nodes.get(QuotaStats.statPath(prefix));
        if (statNode == null) {
            return;
        }
        synchronized (statNode) {
            statNode.replaceData(QuotaStats.parse(statNode.data())
                    .add(countDelta, bytesDelta)
                    .toBytes());
        }
    }

    /** Recounts the subtree at prefix into its zookeeper_stats node (data only, Stat untouched). */
    private void recomputeQuotaStats(String prefix) {
        DataNode statNode = nodes.get(QuotaStats.statPath(prefix));
        if (statNode == null) {
            return;
        }
        long[] countAndBytes = new long[2];
        forEachUnder(prefix, (p, n) -> {
            countAndBytes[0]++;
            countAndBytes[1] += length(n.data());
        });
        synchronized (statNode) {
            statNode.replaceData(
                    QuotaStats.counts(countAndBytes[0], countAndBytes[1]).toBytes());
        }
    }

    /** Visits {@code root} and every node below it, depth first; nothing if root does not exist. */
    private void forEachUnder(String root, BiConsumer<String, DataNode> visit) {
        Deque<String> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            String p = todo.pop();
            DataNode n = nodes.get(p);
            if (n == null) {
                continue;
            }
            visit.accept(p, n);
            for (String c : n.children()) {
                todo.push(Paths.child(p, c));
            }
        }
    }

    // ------------------------------------------------------------------ snapshot

    /**
     * Writes every node (parents before children) while the writer may keep applying txns: each node is
     * copied under its monitor, with the child nodes it lists then, so the result is a fuzzy snapshot in which
     * every child belongs to the parent written before it. Replaying the log from lastProcessedZxid (written
     * first), or from any earlier zxid, makes it exact: a node may already show later txns (they re-apply as
     * overwrites), may have been deleted after its parent was copied (the replay deletes it again), or may be
     * newer than the zxid replay starts from (txns for its earlier incarnations skip it, see {@link #apply}).
     * Ephemerals, containers, TTLs and quotas are derived from the nodes on load.
     */
    public void serialize(DataOutput out) throws IOException {
        TreeCodec.write(this, out);
    }

    /** Rebuilds a tree written by {@link #serialize}. */
    public static DataTree deserialize(DataInput in) throws IOException {
        DataTree tree = new DataTree((Void) null);
        TreeCodec.read(tree, in);
        return tree;
    }

    ConcurrentHashMap<String, DataNode> nodes() {
        return nodes;
    }

    /** The shared list equal to acl, for a node about to be {@link #load}ed (one reference to it). */
    List<Acl> acquireAcl(List<Acl> acl) {
        return acls.acquire(acl);
    }

    /** Distinct ACL lists held by the nodes (ZooKeeper's ACL cache size). */
    int aclCacheSize() {
        return acls.size();
    }

    /** Registers a node read from a snapshot (its parent is already there). */
    void load(String path, DataNode node) throws IOException {
        load(path, node, null);
    }

    /**
     * As {@link #load(String, DataNode)}; {@code parent}, when the caller knows it (the snapshot reader tracks
     * the ancestors of its depth-first stream), must be the node at the parent path, and saves the lookup.
     */
    void load(String path, DataNode node, DataNode parent) throws IOException {
        if (nodes.putIfAbsent(path, node) != null) {
            throw new IOException("duplicate node " + path);
        }
        if (!ROOT.equals(path)) {
            // only canonical paths: "abc" or "/a/" would be listed under a name that does not lead back to them
            if (!path.startsWith(ROOT) || path.endsWith(ROOT) || path.contains("//")) {
                throw new IOException("snapshot node has an invalid path '" + path + "'");
            }
            if (parent == null) {
                parent = nodes.get(Paths.parent(path));
            }
            if (parent == null) {
                throw new IOException("snapshot node " + path + " has no parent");
            }
            parent.addChild(Paths.name(path));
        } else if (nodes.size() != 1) {
            throw new IOException("root must come first");
        }
        indexByOwner(path, node.ephemeralOwner());
    }

    /** Lists a container, a TTL node or an ephemeral (by its session) where expiry and cleanup look for it. */
    private void indexByOwner(String path, long owner) {
        if (Txn.isContainer(owner)) {
            containers.add(path);
        } else if (Txn.isTtl(owner)) {
            ttls.add(path);
        } else if (owner != 0) {
            ephemerals.computeIfAbsent(owner, k -> new HashSet<>()).add(path);
        }
    }

    /**
     * After loading: rebuild the quota paths and recount their stats, as ZooKeeper's setupQuota. Limit nodes
     * only count under /zookeeper/quota, so only that subtree is visited (in path order).
     */
    void finishLoad() throws IOException {
        if (!nodes.containsKey(ROOT)) {
            throw new IOException("snapshot has no root");
        }
        Set<String> quotaTree = new TreeSet<>();
        forEachUnder(QUOTA, (p, n) -> quotaTree.add(p));
        for (String path : quotaTree) {
            if (!path.endsWith("/" + QuotaStats.LIMIT_NODE) || nodes.get(path).numChildren() > 0) {
                continue;
            }
            String quotaed = QuotaStats.quotaedPathOf(Paths.parent(path));
            if (quotaed != null) {
                quotaPaths.add(quotaed);
                recomputeQuotaStats(quotaed);
            }
        }
    }
}
