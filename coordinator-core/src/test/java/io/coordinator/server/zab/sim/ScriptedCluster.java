package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Epochs;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.Ready;
import io.coordinator.server.zab.ReadyExecutor;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabNode;
import io.coordinator.server.zab.Zxids;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The hand-driven ensemble under the ZAB scripts ({@link ZabScript}, {@code testdata/*.txt}): the script decides
 * which messages are delivered, held or dropped, when each disk completes its fsync, and who crashes. Every Ready is carried out by a {@link ReadyExecutor} (the
 * order production runs) and checked with the same invariants as {@link Sim}: no message claims durability the
 * disk lacks, nothing is applied before it is durable, applies are in order without gaps and agree across nodes,
 * committed txns stay durable on a quorum.
 * A violation throws {@link InvariantViolation}.
 */
public final class ScriptedCluster {
    public static final class InvariantViolation extends AssertionError {
        InvariantViolation(String m) {
            super(m);
        }
    }

    public record Envelope(int from, int to, ZabMessage message) {}

    /** What became of a message taken off the network. */
    public enum Fate {
        DELIVERED,
        LOST_CUT,
        LOST_DOWN
    }

    /** Told of every message taken off the network by {@link #deliverWhere}, before it is stepped. */
    public interface DeliveryListener {
        void taken(Envelope e, Fate fate);
    }

    public final class Node extends SimServerState {
        public boolean autoFsync = true;
        public ZabNode zab;
        public final List<Long> appliedZxids = new ArrayList<>();
        public final List<Ready> readies = new ArrayList<>();
        final ReadyExecutor executor = newExecutor(this);

        Node(int id) {
            super(id, new SimDisk());
        }

        public long durableZxid() {
            return disk.durableZxid();
        }
    }

    final int voters;
    final int n;
    final ZabConfig[] configs; // what each server starts with (a spare: the ensemble's when it joins)
    final Peer[] joinAs; // a spare started to be added: the member it is to become
    final ZabConfig initial;
    final SimConfigs.History configHistory;
    final Node[] nodes;
    public final List<Envelope> inflight = new ArrayList<>();
    public final List<Envelope> sent = new ArrayList<>();
    final boolean[][] cut;
    public final TreeMap<Long, TxnRecord> committed = new TreeMap<>();
    int writes;
    public DeliveryListener listener = (e, fate) -> {};

    public ScriptedCluster(int voters, int observers) {
        this(voters, observers, 0);
    }

    /** {@code spares}: servers n+1.. that are in no configuration; {@link #join} starts one to be added. */
    public ScriptedCluster(int voters, int observers, int spares) {
        this.voters = voters;
        int members = voters + observers;
        this.n = members + spares;
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            peers.add(new Peer(i, i > voters));
        }
        configs = new ZabConfig[n + 1];
        joinAs = new Peer[n + 1];
        nodes = new Node[n + 1];
        cut = new boolean[n + 1][n + 1];
        initial = new ZabConfig(1, peers, 10, 5);
        configHistory = new SimConfigs.History(peers);
        for (int i = 1; i <= n; i++) {
            configs[i] = i <= members ? new ZabConfig(i, peers, 10, 5) : null;
            nodes[i] = new Node(i);
        }
    }

    /**
     * Starts spare {@code id} as the operator starts a server to be added: with the leader's committed config and
     * the member it is to become (a participant, or an observer); the reconfig that adds it comes later.
     */
    public void join(int id, int leader, boolean observer) {
        ZabConfig c = nodes[leader].zab.config();
        configs[id] = new ZabConfig(id, c.peers(), c.initLimitTicks(), c.syncLimitTicks(), c.version());
        joinAs[id] = new Peer(id, observer);
        start(id);
    }

    /** The leader proposes the ensemble {@code peers}; its zxid (a {@code ReconfigException} if refused). */
    public long reconfig(int leader, List<Peer> peers, long fromVersion) {
        long zxid = nodes[leader].zab.reconfig(1, writes++, 0, SimConfigs.lines(peers), fromVersion);
        drain(nodes[leader]);
        return zxid;
    }

    public Node node(int id) {
        return nodes[id];
    }

    public int size() {
        return n;
    }

    /**
     * Before a node's first start: its disk holds {@code count} fsynced records of {@code epoch} and it has
     * accepted and entered that epoch (a peer that ran in that epoch before).
     */
    public void seed(int id, long epoch, int count) {
        SimDisk d = nodes[id].disk;
        for (int i = 1; i <= count; i++) {
            Txn t = new Txn.Create("/seed" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, i);
            d.append(new TxnRecord(new TxnHeader(1, i, Zxids.make(epoch, i), 0, t.type()), t));
        }
        d.fsyncAll();
        d.epochs = new Epochs(epoch, epoch);
    }

    public ScriptedCluster startAll() {
        for (int i = 1; i <= n; i++) {
            start(i);
        }
        return this;
    }

    public void start(int id) {
        Node s = nodes[id];
        s.up = true;
        s.incarnation++;
        s.disk.reopen();
        if (s.disk.snapshot != null) {
            s.tree = Sim.deserialize(s.disk.snapshot);
            s.applied = s.disk.snapshotZxid;
        } else {
            s.tree = new DataTree();
            s.applied = 0;
        }
        s.appliedZxids.clear();
        ZabConfig c = SimConfigs.startConfig(s.tree, configs[id], s.disk.config);
        Peer joining = joinAs[id] != null && !c.isMember(id) ? joinAs[id] : null;
        s.zab = new ZabNode(c, joining, s.disk.epochs, s.disk, s, id * 31L + s.incarnation);
        drain(s);
    }

    /** Replaces a node's disk with an empty one (a new machine). */
    public void wipe(int id) {
        SimDisk d = nodes[id].disk;
        d.log.clear();
        d.durableCount = 0;
        d.base = 0;
        d.epochs = Epochs.INITIAL;
        d.config = null;
        d.snapshot = null;
        d.snapshotZxid = 0;
    }

    /** Crash: memory is gone, the disk keeps only what was fsynced. */
    public void crash(int id) {
        crash(id, SimDisk.CrashMode.DROP_ALL, 0);
    }

    /** Crash in {@code mode}, keeping {@code kept} of the unsynced records (see {@link SimDisk#crash}). */
    public SimDisk.CrashResult crash(int id, SimDisk.CrashMode mode, int kept) {
        Node s = nodes[id];
        s.up = false;
        s.zab = null;
        s.tree = null;
        SimDisk.CrashResult r = s.disk.crash(mode, kept);
        inflight.removeIf(e -> e.to == id);
        checkCommittedDurable();
        return r;
    }

    public void isolate(int id) {
        for (int i = 1; i <= n; i++) {
            cut[id][i] = true;
            cut[i][id] = true;
        }
    }

    /** Cuts every link between nodes of different groups (links of nodes in no group stay up). */
    public void partition(List<List<Integer>> groups) {
        for (List<Integer> a : groups) {
            for (List<Integer> b : groups) {
                if (a != b) {
                    for (int i : a) {
                        for (int j : b) {
                            cut[i][j] = true;
                        }
                    }
                }
            }
        }
    }

    public void heal() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    /** Delivers in-flight messages (FIFO) until the network is quiet; messages over a cut link are lost. */
    public void deliver() {
        deliverWhere(e -> true);
    }

    /** Delivers matching messages until none is left; others stay in flight. */
    public void deliverWhere(Predicate<Envelope> which) {
        for (int guard = 0; guard < 100_000; guard++) {
            Envelope next = null;
            for (Envelope e : inflight) {
                if (which.test(e)) {
                    next = e;
                    break;
                }
            }
            if (next == null) {
                return;
            }
            inflight.remove(next);
            Node to = nodes[next.to];
            if (!to.up || cut[next.from][next.to]) {
                listener.taken(next, to.up ? Fate.LOST_CUT : Fate.LOST_DOWN);
                continue;
            }
            listener.taken(next, Fate.DELIVERED);
            to.zab.step(next.from, next.message);
            drain(to);
        }
        throw new AssertionError("the network never got quiet");
    }

    /** Drops in-flight messages that match. */
    public void drop(Predicate<Envelope> which) {
        inflight.removeIf(which);
    }

    public void tick() {
        for (int i = 1; i <= n; i++) {
            if (nodes[i].up) {
                nodes[i].zab.tick();
                drain(nodes[i]);
            }
        }
    }

    /** Ticks (delivering everything after each tick) until a leader serves; returns its id. */
    public int awaitLeader() {
        for (int t = 0; t < 60; t++) {
            deliver();
            for (int i = 1; i <= n; i++) {
                if (nodes[i].up && nodes[i].zab.role() == Role.LEADING && nodes[i].zab.isServing()) {
                    return i;
                }
            }
            tick();
        }
        throw new AssertionError("no leader");
    }

    /** Ticks and delivers until every up node is serving and applied the leader's last zxid. */
    public void awaitConverged() {
        for (int t = 0; t < 60; t++) {
            deliver();
            Node leader = null;
            for (int i = 1; i <= n; i++) {
                if (nodes[i].up && nodes[i].zab.role() == Role.LEADING && nodes[i].zab.isServing()) {
                    leader = nodes[i];
                }
            }
            if (leader != null && leader.zab.committedZxid() == leader.zab.lastZxid()) {
                boolean all = true;
                ZabConfig members = leader.zab.config();
                for (int i = 1; i <= n; i++) {
                    if (nodes[i].up
                            && members.isMember(i)
                            && (!nodes[i].zab.isServing() || nodes[i].applied != leader.zab.lastZxid())) {
                        all = false;
                    }
                }
                if (all) {
                    return;
                }
            }
            tick();
        }
        throw new AssertionError("no convergence");
    }

    public long write(int leader, String path) {
        Txn txn = new Txn.Create(path, path.getBytes(), Acl.OPEN_ACL_UNSAFE, 0, writes++);
        long zxid = nodes[leader].zab.propose(1, writes, 0, txn);
        drain(nodes[leader]);
        return zxid;
    }

    /** Completes a pending fsync on a node. */
    public void fsync(int id) {
        Node s = nodes[id];
        s.disk.fsyncAll();
        s.zab.persisted(s.disk.durableZxid(), s.zab.logGeneration());
        drain(s);
    }

    public void drain(Node s) {
        while (s.up && Sim.carryOut(s.executor, s.zab) == ReadyExecutor.Outcome.DONE) {
            if (s.current.truncateAfter() >= 0 || s.current.snapshot() != null) {
                checkCommittedDurable();
            }
            if (s.autoFsync && s.disk.durableCount < s.disk.log.size()) {
                s.disk.fsyncAll();
                s.zab.persisted(s.disk.durableZxid(), s.zab.logGeneration());
            }
        }
    }

    /** The IO of node {@code s} for its executor: its simulated disk, the in-flight list, the invariant checks. */
    private ReadyExecutor newExecutor(Node s) {
        return new ReadyExecutor(
                e -> {
                    if (e.currentEpoch() > s.disk.epochs.currentEpoch() && s.zab.role() != Role.LEADING) {
                        boolean acks = s.current.messages().stream()
                                .anyMatch(o -> o.message() instanceof ZabMessage.AckNewLeader a
                                        && a.epoch() == e.currentEpoch());
                        if (!acks) {
                            throw new InvariantViolation("server " + s.id + " writes currentEpoch " + e.currentEpoch()
                                    + " without acking NEWLEADER (epoch ahead of the log)");
                        }
                    }
                    s.disk.epochs = e;
                },
                c -> s.disk.config = c,
                new ReadyExecutor.LogAppender() {
                    @Override
                    public void truncateAfter(long zxid) {
                        s.disk.truncateAfter(zxid);
                    }

                    @Override
                    public void append(TxnRecord rec) {
                        s.disk.append(rec);
                    }

                    @Override
                    public void sync(long lastZxid, long logGeneration) {
                        // fsyncs are the script's (fsync(id)), or automatic after the Ready (autoFsync)
                    }
                },
                snap -> {
                    s.tree = Sim.deserialize(snap.data());
                    s.applied = snap.zxid();
                    s.disk.snapshot = snap.data();
                    s.disk.snapshotZxid = snap.zxid();
                    s.disk.dropThrough(snap.zxid());
                },
                o -> {
                    checkDurableClaim(s, o.message());
                    Envelope e = new Envelope(s.id, o.to(), o.message());
                    sent.add(e);
                    inflight.add(e);
                },
                rec -> apply(s, rec),
                new ReadyExecutor.Checkpoint() {
                    @Override
                    public void starting(Ready ready) {
                        s.readies.add(ready);
                        s.current = ready;
                    }
                });
    }

    /** The invariant of ZOOKEEPER-2845/3911/2678: no message claims what is not on its sender's disk. */
    public void checkDurableClaim(Node s, ZabMessage m) {
        String violation = DurableClaims.violation(s.id, s.disk, m);
        if (violation != null) {
            throw new InvariantViolation(violation);
        }
    }

    /** The invariant of ZOOKEEPER-4394/4643: the applied state never runs ahead of the durable log. */
    public void apply(Node s, TxnRecord r) {
        long z = r.zxid();
        if (!s.disk.holdsDurably(z)) {
            throw new InvariantViolation("server " + s.id + " applies " + ZabText.zxid(z) + " before it is durable");
        }
        if (z <= s.applied) {
            throw new InvariantViolation("server " + s.id + " applies " + ZabText.zxid(z) + " out of order");
        }
        TxnRecord known = committed.get(z);
        if (known == null) {
            if (!committed.isEmpty() && committed.lastKey() > z) {
                throw new InvariantViolation("server " + s.id + " applies " + ZabText.zxid(z) + " that diverges");
            }
            committed.put(z, r);
            configHistory.committed(r);
        } else {
            Long prev = committed.lowerKey(z);
            if ((prev == null ? 0 : prev) != s.applied) {
                throw new InvariantViolation("server " + s.id + " applies " + ZabText.zxid(z) + " with a gap");
            }
        }
        s.tree.apply(r.header(), r.txn());
        s.applied = z;
        s.appliedZxids.add(z);
    }

    /**
     * Every committed txn is durably held by a quorum of the voters of the config it was committed under (a
     * reconfig: the old and the new) and of every config committed after it.
     */
    public void checkCommittedDurable() {
        String bad = configHistory.notDurable(committed.keySet(), (id, z) -> id <= n && nodes[id].disk.holdsDurably(z));
        if (bad != null) {
            throw new InvariantViolation(bad);
        }
    }
}
