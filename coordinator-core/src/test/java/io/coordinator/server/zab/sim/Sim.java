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
import io.coordinator.server.zab.ReconfigException;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.SnapshotToInstall;
import io.coordinator.server.zab.ZabCodec;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabNode;
import io.coordinator.server.zab.Zxids;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * A deterministic simulation of a ZAB ensemble in one thread: real {@link ZabNode}s and {@link DataTree}s over a
 * simulated network (delay, reorder, drop, duplicate, partitions incl. asymmetric ones) and simulated disks (each
 * crash, chosen by the seed, drops the unsynced log tail, keeps a prefix of it, tears or zeroes it, or keeps the page
 * cache: {@link SimDisk.CrashMode}), with crashes and restarts at any moment and client writes throughout. Checks
 * the invariants after every step; throws {@link SimFailure} with the seed and a trace on the first violation.
 */
public final class Sim {
    static final int TICK = 100; // time units per tick
    static final int CHAOS_TICKS = Integer.getInteger("zab.sim.chaosTicks", 150);
    static final int HEAL_TICKS = 120;

    static final int SPARES = 2; // servers in no config at first, for reconfigs to add
    // how often the reconfig scenario asks for a change: every GAP + random(SPREAD) ticks
    static final int RECONFIG_GAP_TICKS = Integer.getInteger("zab.reconfig.gapTicks", 3);
    static final int RECONFIG_SPREAD_TICKS = Integer.getInteger("zab.reconfig.spreadTicks", 15);

    final long seed;
    final Random rnd;
    final int voters;
    final boolean withObserver;
    final boolean tracing;
    final boolean reconfigs; // membership changes during the chaos (a separate scenario: other seeds' totals stay)
    final SimDisk.Flaw flaw; // a wrong disk model, only to prove the checks catch it (ZabPowerLossFlawTest)
    final ZabConfig[] configs; // what each server starts with (a spare: the ensemble's when it was started to join)
    final Peer[] joinAs; // a spare started to be added: the member it is to become
    final SimServer[] servers; // index = id (1..n)
    final int members; // the initial ensemble: 1..members
    final int n; // members, then the spares
    final SimConfigs.History configHistory;

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long time;
    private long eventSeq;
    private final ArrayDeque<String> trace = new ArrayDeque<>();

    // network
    double dropP;
    double dupP;
    int maxDelay = 20;
    int fsyncMax = 20; // per seed: fast, slow or very slow disks
    final boolean[][] blocked;
    boolean chaos = true;
    boolean writes = true;

    // invariant state
    final TreeMap<Long, TxnRecord> committed = new TreeMap<>(); // every txn any node applied
    final Map<Long, byte[]> proposed = new HashMap<>();
    final Map<Long, Integer> servingLeaderOfEpoch = new HashMap<>();
    int writeCounter;
    final List<String> createdPaths = new ArrayList<>();
    long steps;
    long messagesDelivered;
    final Stats stats = new Stats();

    static final class Stats {
        long diffs;
        long truncMessages;
        long snapMessages;
        long leaderships;
        long epochRefused;
        long crashes;
        long elections;
        long snaps;
        long truncs;
        long proposals;
        long reconfigsProposed;
        long reconfigsCommitted;
        long joins;
        final Map<String, Long> reconfigsRefused = new TreeMap<>();
        long leaderRemovals;
        final Map<SimDisk.CrashMode, Long> crashModes = new EnumMap<>(SimDisk.CrashMode.class);
        long unsyncedAtCrash; // records written but not fsynced when their node crashed
        long unsyncedKept; // of those, kept by the crash (and durable after the restart)
        long tornRecords; // records torn by a crash and cut by recovery
        long staleFsyncReports; // fsync reports from before a cut of the log (the core must ignore them)
        long staleFsyncRewritten; // of those, naming a zxid written again since (taking one loses durability)

        /** Adds another run's counts to these (the totals of many seeds). */
        void add(Stats o) {
            diffs += o.diffs;
            truncMessages += o.truncMessages;
            snapMessages += o.snapMessages;
            leaderships += o.leaderships;
            epochRefused += o.epochRefused;
            elections += o.elections;
            snaps += o.snaps;
            truncs += o.truncs;
            proposals += o.proposals;
            reconfigsProposed += o.reconfigsProposed;
            reconfigsCommitted += o.reconfigsCommitted;
            joins += o.joins;
            o.reconfigsRefused.forEach((reason, n) -> reconfigsRefused.merge(reason, n, Long::sum));
            leaderRemovals += o.leaderRemovals;
            crashes += o.crashes;
            o.crashModes.forEach((m, c) -> crashModes.merge(m, c, Long::sum));
            unsyncedAtCrash += o.unsyncedAtCrash;
            unsyncedKept += o.unsyncedKept;
            tornRecords += o.tornRecords;
            staleFsyncReports += o.staleFsyncReports;
            staleFsyncRewritten += o.staleFsyncRewritten;
        }

        /** For the totals line: crashes per mode and what happened to the unsynced records. */
        String crashModes() {
            return "crashes by mode " + crashModes + ", " + unsyncedAtCrash + " unsynced records at a crash, "
                    + unsyncedKept + " of them kept, " + tornRecords + " torn; " + staleFsyncReports
                    + " fsync reports from before a cut of the log, " + staleFsyncRewritten
                    + " of them naming a record written again since";
        }

        void crashed(SimDisk.CrashResult r) {
            crashes++;
            crashModes.merge(r.mode(), 1L, Long::sum);
            unsyncedAtCrash += r.unsynced();
            unsyncedKept += r.kept();
            tornRecords += r.torn() ? 1 : 0;
        }
    }

    final class SimServer extends SimServerState {
        boolean started; // ever started (a spare is not until it joins)
        ZabNode node;
        long lastApplied; // for the invariants: what this incarnation's state has applied
        boolean fsyncScheduled;
        long lastProposed;
        final ReadyExecutor executor = newExecutor(this);
        boolean shrank; // the current Ready cut the log or replaced it with a snapshot

        SimServer(int id) {
            super(id, new SimDisk(flaw));
        }
    }

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    public static final class SimFailure extends RuntimeException {
        public SimFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Sim(long seed, boolean tracing) {
        this(seed, tracing, false);
    }

    public Sim(long seed, boolean tracing, boolean reconfigs) {
        this(seed, tracing, reconfigs, SimDisk.Flaw.NONE);
    }

    Sim(long seed, boolean tracing, boolean reconfigs, SimDisk.Flaw flaw) {
        this.seed = seed;
        this.flaw = flaw;
        this.rnd = new Random(seed);
        this.tracing = tracing;
        this.reconfigs = reconfigs;
        this.voters = (seed & 1) == 0 ? 3 : 5;
        this.withObserver = ((seed >> 1) & 1) == 1;
        this.members = voters + (withObserver ? 1 : 0);
        this.n = members + (reconfigs ? SPARES : 0);
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            peers.add(new Peer(i, i > voters));
        }
        configHistory = new SimConfigs.History(peers);
        configs = new ZabConfig[n + 1];
        joinAs = new Peer[n + 1];
        servers = new SimServer[n + 1];
        blocked = new boolean[n + 1][n + 1];
        // timeouts vary per seed, down to tight ones where timeouts race the protocol
        int syncLimit = 2 + rnd.nextInt(4);
        int initLimit = syncLimit + rnd.nextInt(8);
        for (int i = 1; i <= n; i++) {
            configs[i] = i <= members ? new ZabConfig(i, peers, initLimit, syncLimit) : null;
            servers[i] = new SimServer(i);
        }
    }

    public String describe() {
        return "seed=" + seed + " voters=" + voters + (withObserver ? "+observer" : "")
                + (reconfigs ? " reconfigs" : "");
    }

    // ------------------------------------------------------------------ running

    /** Runs the seed: chaos, then heal and require convergence. */
    public void run() {
        try {
            for (int i = 1; i <= n; i++) {
                if (i <= members) {
                    start(servers[i]);
                }
                int id = i;
                long offset = rnd.nextInt(TICK);
                at(offset, () -> tickLoop(id));
            }
            fsyncMax = new int[] {20, 150, 600}[rnd.nextInt(3)];
            dropP = rnd.nextDouble() * 0.1;
            dupP = rnd.nextDouble() * 0.05;
            at(rnd.nextInt(50), this::writeLoop);
            at(rnd.nextInt(TICK * 3), this::chaosLoop);
            if (reconfigs) {
                at(rnd.nextInt(TICK * 10), this::reconfigLoop);
            }
            runUntil(CHAOS_TICKS * TICK);
            heal();
            long healStart = time;
            long stopWritesAt = healStart + 20L * TICK;
            while (time < healStart + HEAL_TICKS * TICK) {
                runUntil(time + TICK);
                if (time >= stopWritesAt) {
                    writes = false;
                }
                if (!writes && converged()) {
                    finalChecks();
                    return;
                }
            }
            fail("no convergence after healing: " + status());
        } catch (SimFailure f) {
            throw f;
        } catch (Throwable t) {
            throw new SimFailure(describe() + ": " + t + "\n" + traceText(), t);
        }
    }

    private void runUntil(long end) {
        while (!events.isEmpty() && events.peek().time <= end) {
            Event e = events.poll();
            time = e.time;
            e.action.run();
            steps++;
            checkInvariants();
        }
        time = end;
    }

    private void at(long delay, Runnable r) {
        events.add(new Event(time + delay, eventSeq++, r));
    }

    private void tickLoop(int id) {
        SimServer s = servers[id];
        if (s.up) {
            s.node.tick();
            drain(s);
        }
        at(TICK, () -> tickLoop(id));
    }

    private void writeLoop() {
        if (writes) {
            List<SimServer> leaders = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                SimServer s = servers[i];
                if (s.up && s.node.role() == Role.LEADING && s.node.isServing()) {
                    leaders.add(s);
                }
            }
            if (!leaders.isEmpty()) {
                SimServer s = leaders.get(rnd.nextInt(leaders.size()));
                Txn txn;
                int k = writeCounter++;
                byte[] data = ("v" + k).getBytes();
                if (createdPaths.isEmpty() || rnd.nextInt(10) < 6) {
                    String path = "/n" + k;
                    txn = new Txn.Create(path, data, Acl.OPEN_ACL_UNSAFE, 0, k);
                    createdPaths.add(path);
                } else {
                    txn = new Txn.SetData(createdPaths.get(rnd.nextInt(createdPaths.size())), data, k);
                }
                long zxid = s.node.propose(1000 + s.id, k, time, txn);
                stats.proposals++;
                checkProposal(s, zxid, new TxnRecord(new TxnHeader(1000 + s.id, k, zxid, time, txn.type()), txn));
                if (tracing) {
                    trace("propose " + s.id + " " + Zxids.hex(zxid) + " "
                            + txn.getClass().getSimpleName());
                }
                drain(s);
            }
        }
        at(1 + rnd.nextInt(60), this::writeLoop);
    }

    /**
     * Membership changes during the chaos, as an operator makes them: start a spare with the current config plus
     * itself, then ask the leader to add it (a voter or an observer); remove a voter (the leader too) or an
     * observer; turn an observer into a participant or back. Sometimes with a stale {@code -from} version, or
     * while another reconfig is in flight; the leader's refusals are counted.
     */
    private void reconfigLoop() {
        if (!chaos) {
            return;
        }
        at(TICK * RECONFIG_GAP_TICKS + rnd.nextInt(TICK * RECONFIG_SPREAD_TICKS), this::reconfigLoop);
        SimServer l = servingLeader();
        if (l == null) {
            return;
        }
        ZabConfig cur = l.node.config();
        List<Peer> next = new ArrayList<>(cur.peers());
        int what = rnd.nextInt(5);
        if (what <= 1) {
            List<Integer> outside = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                if (!cur.isMember(i)) {
                    outside.add(i);
                }
            }
            if (outside.isEmpty()) {
                return;
            }
            SimServer j = servers[outside.get(rnd.nextInt(outside.size()))];
            boolean observer = what == 1;
            List<Peer> joined = new ArrayList<>(cur.peers());
            joined.add(new Peer(j.id, observer));
            configs[j.id] = new ZabConfig(j.id, cur.peers(), cur.initLimitTicks(), cur.syncLimitTicks(), cur.version());
            joinAs[j.id] = new Peer(j.id, observer);
            if (j.up) {
                crash(j); // a removed server comes back as a new one: restarted with the config that adds it
            }
            start(j);
            stats.joins++;
            if (tracing) {
                trace("join " + j.id + (observer ? " observer" : "") + " with " + SimConfigs.describe(joined));
            }
            // the operator asks once the new server has had time to sync
            at(TICK * 2 + rnd.nextInt(TICK * 6), () -> requestReconfig(joined, cur.version()));
            return;
        }
        if (what == 2) {
            List<Peer> voterList = next.stream().filter(p -> !p.observer()).toList();
            if (voterList.size() <= 1) {
                return;
            }
            Peer gone = voterList.get(rnd.nextInt(voterList.size()));
            next.remove(gone);
            if (gone.id() == l.id) {
                stats.leaderRemovals++;
            }
        } else if (what == 3) {
            List<Peer> observers = next.stream().filter(Peer::observer).toList();
            if (observers.isEmpty()) {
                return;
            }
            next.remove(observers.get(rnd.nextInt(observers.size())));
        } else {
            Peer p = next.get(rnd.nextInt(next.size()));
            if (!p.observer() && next.stream().filter(x -> !x.observer()).count() <= 1) {
                return;
            }
            next.set(next.indexOf(p), new Peer(p.id(), !p.observer()));
        }
        requestReconfig(next, cur.version());
    }

    private SimServer servingLeader() {
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            if (s.up && s.node.role() == Role.LEADING && s.node.isServing()) {
                return s;
            }
        }
        return null;
    }

    /** A client's reconfig to the current serving leader: {@code -from} the version it read, sometimes none. */
    private void requestReconfig(List<Peer> next, long fromVersion) {
        SimServer l = servingLeader();
        if (!chaos || l == null) {
            return;
        }
        long from = rnd.nextInt(4) == 0 ? -1 : fromVersion;
        try {
            long zxid = l.node.reconfig(1000 + l.id, writeCounter++, time, SimConfigs.lines(next), from);
            Txn txn = new Txn.Reconfig(ZabConfig.content(SimConfigs.lines(next), zxid));
            checkProposal(
                    l, zxid, new TxnRecord(new TxnHeader(1000 + l.id, writeCounter - 1, zxid, time, txn.type()), txn));
            stats.reconfigsProposed++;
            if (tracing) {
                trace("reconfig " + l.id + " " + Zxids.hex(zxid) + " -> " + SimConfigs.describe(next));
            }
        } catch (ReconfigException e) {
            stats.reconfigsRefused.merge(e.reason().name(), 1L, Long::sum);
            if (tracing) {
                trace("reconfig refused by " + l.id + ": " + e.reason() + " " + e.getMessage());
            }
        }
        drain(l);
    }

    private void chaosLoop() {
        if (!chaos) {
            return;
        }
        int what = rnd.nextInt(100);
        int id = 1 + rnd.nextInt(n);
        SimServer s = servers[id];
        if (what < 25) {
            if (s.up) {
                crash(s);
                at(rnd.nextInt(TICK * 15), () -> {
                    if (chaos && !s.up) {
                        start(s);
                    }
                });
            }
        } else if (what < 45) {
            // partition: isolate a random set of nodes, optionally one-way
            boolean[] side = new boolean[n + 1];
            for (int i = 1; i <= n; i++) {
                side[i] = rnd.nextBoolean();
            }
            boolean oneWay = rnd.nextInt(3) == 0;
            for (int a = 1; a <= n; a++) {
                for (int b = 1; b <= n; b++) {
                    if (side[a] != side[b] && (!oneWay || side[a])) {
                        blocked[a][b] = true;
                    }
                }
            }
            if (tracing) {
                trace("partition " + Arrays.toString(side) + (oneWay ? " one-way" : ""));
            }
            for (int a = 1; a <= n; a++) {
                for (int b = 1; b <= n; b++) {
                    if (blocked[a][b] && rnd.nextBoolean()) {
                        notifyDisconnected(b, a);
                    }
                }
            }
            at(rnd.nextInt(TICK * 20), () -> {
                for (boolean[] row : blocked) {
                    Arrays.fill(row, false);
                }
                if (tracing) {
                    trace("partition healed");
                }
            });
        } else if (what < 55) {
            int a = 1 + rnd.nextInt(n);
            int b = 1 + rnd.nextInt(n);
            blocked[a][b] = !blocked[a][b];
        } else if (what < 65) {
            dropP = rnd.nextDouble() * 0.3;
            dupP = rnd.nextDouble() * 0.1;
            maxDelay = 1 + rnd.nextInt(rnd.nextInt(5) == 0 ? 300 : 30);
        } else if (what < 80) {
            // crash the leader
            for (int i = 1; i <= n; i++) {
                SimServer l = servers[i];
                if (l.up && l.node.role() == Role.LEADING) {
                    crash(l);
                    at(rnd.nextInt(TICK * 10), () -> {
                        if (chaos && !l.up) {
                            start(l);
                        }
                    });
                    break;
                }
            }
        } else if (what < 83) {
            notifyDisconnected(id, 1 + rnd.nextInt(n)); // a false alarm
        } else if (what < 90) {
            if (s.up && s.tree != null && s.applied > s.disk.snapshotZxid) {
                takeSnapshot(s);
            }
        }
        at(rnd.nextInt(TICK * 4), this::chaosLoop);
    }

    private void heal() {
        chaos = false;
        dropP = 0;
        dupP = 0;
        maxDelay = 20;
        for (boolean[] row : blocked) {
            Arrays.fill(row, false);
        }
        for (int i = 1; i <= n; i++) {
            if (!servers[i].up && servers[i].started) {
                start(servers[i]);
            }
        }
        trace("heal");
    }

    // ------------------------------------------------------------------ servers

    private void start(SimServer s) {
        s.incarnation++;
        s.up = true;
        s.fsyncScheduled = false;
        s.disk.reopen();
        if (s.disk.snapshot != null) {
            s.tree = deserialize(s.disk.snapshot);
            s.applied = s.disk.snapshotZxid;
        } else {
            s.tree = new DataTree();
            s.applied = 0;
        }
        s.lastApplied = s.applied;
        s.lastProposed = 0;
        s.started = true;
        ZabConfig c = reconfigs ? SimConfigs.startConfig(s.tree, configs[s.id], s.disk.config) : configs[s.id];
        Peer joining = joinAs[s.id] != null && !c.isMember(s.id) ? joinAs[s.id] : null;
        s.node = new ZabNode(c, joining, s.disk.epochs, s.disk, s, seed * 1_000_003L + s.id * 7919L + s.incarnation);
        if (tracing) {
            trace("start " + s.id + " inc=" + s.incarnation + " epochs=" + s.disk.epochs + " log=("
                    + Zxids.hex(s.disk.firstZxid()) + ".." + Zxids.hex(s.disk.lastZxid()) + "] snap="
                    + Zxids.hex(s.disk.snapshotZxid));
        }
        drain(s);
    }

    private void crash(SimServer s) {
        s.up = false;
        s.node = null;
        s.tree = null;
        int synced = s.disk.durableCount;
        SimDisk.CrashResult r = s.disk.crash(rnd);
        stats.crashed(r);
        // recovery keeps only records that were written whole: never a torn or foreign one
        for (TxnRecord kept : s.disk.log.subList(Math.min(synced, s.disk.log.size()), s.disk.log.size())) {
            if (!Arrays.equals(proposed.get(kept.zxid()), kept.toBytes())) {
                fail("server " + s.id + " recovers " + Zxids.hex(kept.zxid()) + " that was never proposed (a torn"
                        + " or foreign record kept by its " + r.mode() + " crash)");
            }
        }
        if (tracing) {
            trace("crash " + s.id + " " + r.mode() + ": kept " + r.kept() + " of " + r.unsynced() + " unsynced"
                    + (r.torn() ? " (next one torn)" : "") + ", log to " + Zxids.hex(s.disk.lastZxid()));
        }
        for (int i = 1; i <= n; i++) {
            if (i != s.id && rnd.nextInt(10) < 7) {
                notifyDisconnected(i, s.id); // its peers' connections to it break (most of the time)
            }
        }
        checkCommittedDurable();
    }

    private void takeSnapshot(SimServer s) {
        s.disk.snapshot = serialize(s.tree);
        s.disk.snapshotZxid = s.applied;
        if (rnd.nextBoolean()) {
            s.disk.dropThrough(s.applied); // purge the log the snapshot covers
        }
        if (tracing) {
            trace("snapshot " + s.id + " at " + Zxids.hex(s.applied) + " log now (" + Zxids.hex(s.disk.firstZxid())
                    + ".." + Zxids.hex(s.disk.lastZxid()) + "]");
        }
    }

    /** The driver: each Ready through the server's {@link ReadyExecutor}, the invariants checked on the way. */
    private void drain(SimServer s) {
        ZabNode node = s.node;
        Role before = node.role();
        while (s.up) {
            s.shrank = false;
            ReadyExecutor.Outcome outcome = carryOut(s.executor, node);
            if (outcome == ReadyExecutor.Outcome.STOPPED) {
                return; // crashed mid-Ready
            }
            if (outcome == ReadyExecutor.Outcome.IDLE) {
                break;
            }
            if (s.shrank) {
                checkCommittedDurable();
            }
        }
        if (s.up && node.role() != before && tracing) {
            trace("server " + s.id + " " + before + " -> " + node.role() + " leader=" + node.leaderId() + " epochs="
                    + node.epochs());
        }
        if (s.up && node.role() == Role.LEADING && node.isServing()) {
            long epoch = node.epochs().currentEpoch();
            Integer prev = servingLeaderOfEpoch.putIfAbsent(epoch, s.id);
            if (prev == null) {
                stats.leaderships++;
            }
            if (prev != null && prev != s.id) {
                fail("two serving leaders in epoch " + epoch + ": " + prev + " and " + s.id);
            }
            ZabConfig pending = node.pendingConfig();
            if (!node.config().isVoter(s.id) && (pending == null || !pending.isVoter(s.id))) {
                fail("serving leader " + s.id + " is a voter of none of its configs: " + node.config() + " / "
                        + pending);
            }
        }
    }

    static ReadyExecutor.Outcome carryOut(ReadyExecutor executor, ZabNode node) {
        try {
            return executor.step(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the simulated disk does not throw
        }
    }

    /** The IO of server {@code s} for its executor: the simulated disk and network, with the invariant checks. */
    private ReadyExecutor newExecutor(SimServer s) {
        return new ReadyExecutor(
                e -> persistEpochs(s, e),
                c -> s.disk.config = c,
                new ReadyExecutor.LogAppender() {
                    @Override
                    public void truncateAfter(long zxid) {
                        if (zxid < s.lastApplied) {
                            fail("server " + s.id + " truncates below its applied zxid");
                        }
                        s.disk.truncateAfter(zxid);
                        stats.truncs++;
                        s.shrank = true;
                        if (tracing) {
                            trace("truncate " + s.id + " after " + Zxids.hex(zxid));
                        }
                    }

                    @Override
                    public void append(TxnRecord rec) {
                        s.disk.append(rec);
                    }

                    @Override
                    public void sync(long lastZxid, long logGeneration) {
                        if (!s.fsyncScheduled) {
                            scheduleFsync(s);
                        }
                    }
                },
                snap -> installSnapshot(s, snap),
                o -> {
                    checkDurableClaim(s, o.message());
                    send(s.id, o.to(), o.message());
                },
                rec -> apply(s, rec),
                new ReadyExecutor.Checkpoint() {
                    @Override
                    public void starting(Ready ready) {
                        s.current = ready;
                    }

                    @Override
                    public boolean passed(ReadyExecutor.Step step) {
                        return switch (step) {
                            case PERSIST_EPOCHS -> !midReadyCrash(s, "after persisting epochs");
                            case TRUNCATE -> true;
                            case INSTALL_SNAPSHOT -> !midReadyCrash(s, "after truncate/snapshot");
                            case SEND -> !midReadyCrash(s, "while sending");
                            case APPEND -> !midReadyCrash(s, "while appending");
                            case APPLY -> !midReadyCrash(s, "while applying");
                        };
                    }
                });
    }

    private void persistEpochs(SimServer s, Epochs e) {
        ZabNode node = s.node;
        Ready r = s.current;
        if (e.acceptedEpoch() < e.currentEpoch()) {
            fail("server " + s.id + " persists acceptedEpoch < currentEpoch: " + e);
        }
        if (e.currentEpoch() > s.disk.epochs.currentEpoch()
                && node.role() == Role.LEADING
                && node.lastZxid() > 0
                && !s.disk.holdsDurably(node.lastZxid())) {
            // a new leader has not proposed yet: its whole history must be durable before its epoch is
            fail("leader " + s.id + " writes currentEpoch " + e.currentEpoch() + " before its history up to "
                    + Zxids.hex(node.lastZxid()) + " is durable");
        }
        if (e.currentEpoch() > s.disk.epochs.currentEpoch()
                && node.role() != Role.LEADING
                && e.acceptedFrom() != s.id) {
            // the epoch never ahead of the log: a learner moves to a new epoch only with its ACK of
            // NEWLEADER, whose synced history must be durable (checked on the message below). (A leader's own epoch,
            // accepted from itself, is written when a quorum acked; it may step down in that same step, when the
            // history it established commits a reconfig that removes it.)
            boolean acks = r.messages().stream()
                    .anyMatch(o -> o.message() instanceof ZabMessage.AckNewLeader a && a.epoch() == e.currentEpoch());
            if (!acks) {
                fail("server " + s.id + " writes currentEpoch " + e.currentEpoch() + " without acking NEWLEADER");
            }
        }
        s.disk.epochs = e;
    }

    private void installSnapshot(SimServer s, SnapshotToInstall snap) {
        long z = snap.zxid();
        if (z != 0 && !committed.containsKey(z)) {
            fail("server " + s.id + " installs a snapshot at " + Zxids.hex(z) + " that is not committed");
        }
        if (z < s.lastApplied) {
            fail("server " + s.id + " installs a snapshot at " + Zxids.hex(z) + " behind its applied "
                    + Zxids.hex(s.lastApplied));
        }
        s.tree = deserialize(snap.data());
        s.applied = z;
        s.lastApplied = z;
        s.disk.snapshot = snap.data();
        s.disk.snapshotZxid = z;
        s.disk.dropThrough(z);
        stats.snaps++;
        s.shrank = true;
        if (tracing) {
            trace("install snapshot " + s.id + " at " + Zxids.hex(z));
        }
    }

    /** No message may claim durability the sender's disk does not have (ZOOKEEPER-2845/3911 class). */
    private void checkDurableClaim(SimServer s, ZabMessage m) {
        String violation = DurableClaims.violation(s.id, s.disk, m);
        if (violation != null) {
            fail(violation);
        }
    }

    /** Tells server {@code at} (soon) that its connection to {@code peer} broke. */
    private void notifyDisconnected(int at, int peer) {
        SimServer s = servers[at];
        int inc = s.incarnation;
        at(1 + rnd.nextInt(50), () -> {
            if (s.up && s.incarnation == inc && at != peer) {
                s.node.peerDisconnected(peer);
                drain(s);
            }
        });
    }

    /** Sometimes crash a node in the middle of doing a Ready: every prefix of the driver's work must be safe. */
    private boolean midReadyCrash(SimServer s, String stage) {
        if (!chaos || rnd.nextInt(3000) != 0) {
            return false;
        }
        if (tracing) {
            trace("crash " + s.id + " " + stage);
        }
        crash(s);
        at(rnd.nextInt(TICK * 10), () -> {
            if (chaos && !s.up) {
                start(s);
            }
        });
        return true;
    }

    private void scheduleFsync(SimServer s) {
        s.fsyncScheduled = true;
        int inc = s.incarnation;
        // like a group-commit driver: the fsync covers what was written when it began, and reports the zxid of
        // the last record written then and the log generation it was written in (a truncation or snapshot in the
        // meantime may have cut it, and the same zxid be written again: the core ignores such a report)
        long writtenBy = s.disk.appendCounter;
        long reportZxid = s.disk.lastZxid();
        long generation = s.up ? s.node.logGeneration() : -1; // down: the completion finds it gone and reports nothing
        at(1 + rnd.nextInt(rnd.nextInt(10) == 0 ? fsyncMax * 5 : fsyncMax), () -> {
            if (!s.up || s.incarnation != inc) {
                return;
            }
            s.fsyncScheduled = false;
            s.disk.fsyncWrittenBy(writtenBy);
            if (generation != s.node.logGeneration()) {
                stats.staleFsyncReports++;
                if (s.disk.writtenAfter(reportZxid, writtenBy)) {
                    stats.staleFsyncRewritten++;
                }
            }
            s.node.persisted(reportZxid, generation);
            if (tracing) {
                trace("fsync " + s.id + " through " + Zxids.hex(reportZxid) + " gen " + generation
                        + (generation != s.node.logGeneration()
                                ? " (stale: now gen " + s.node.logGeneration() + ")"
                                : "")
                        + ", node durable " + Zxids.hex(s.node.durableZxid()));
            }
            drain(s);
            if (s.disk.durableCount < s.disk.log.size() && !s.fsyncScheduled) {
                scheduleFsync(s);
            }
        });
    }

    private void send(int from, int to, ZabMessage m) {
        if (to < 1 || to > n) {
            return;
        }
        if (blocked[from][to] || rnd.nextDouble() < dropP) {
            return;
        }
        byte[] frame = ZabCodec.encode(m);
        int copies = rnd.nextDouble() < dupP ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            at(1 + rnd.nextInt(maxDelay), () -> deliver(from, to, frame));
        }
    }

    private void deliver(int from, int to, byte[] frame) {
        SimServer s = servers[to];
        if (!s.up || blocked[from][to]) {
            return;
        }
        ZabMessage m = ZabCodec.decode(frame);
        messagesDelivered++;
        if (m instanceof ZabMessage.Diff) {
            stats.diffs++;
        } else if (m instanceof ZabMessage.Trunc) {
            stats.truncMessages++;
        } else if (m instanceof ZabMessage.Snap) {
            stats.snapMessages++;
        } else if (m instanceof ZabMessage.EpochRefused) {
            stats.epochRefused++;
        }
        if (tracing && !(m instanceof ZabMessage.Ping)) {
            trace(from + "->" + to + " " + brief(m));
        }
        s.node.step(from, m);
        drain(s);
    }

    private static String brief(ZabMessage m) {
        if (m instanceof ZabMessage.Proposal p) {
            return "Proposal(seq=" + p.seq() + ", " + Zxids.hex(p.record().zxid()) + ")";
        }
        if (m instanceof ZabMessage.Inform p) {
            return "Inform(seq=" + p.seq() + ", " + Zxids.hex(p.record().zxid()) + ")";
        }
        if (m instanceof ZabMessage.Snap p) {
            return "Snap(seq=" + p.seq() + ", " + Zxids.hex(p.zxid()) + ")";
        }
        return m.toString();
    }

    // ------------------------------------------------------------------ invariants

    private void apply(SimServer s, TxnRecord r) {
        long z = r.zxid();
        if (z <= s.lastApplied) {
            fail("server " + s.id + " applies " + Zxids.hex(z) + " after " + Zxids.hex(s.lastApplied)
                    + " (total order)");
        }
        byte[] p = proposed.get(z);
        byte[] enc = r.toBytes();
        if (p == null || !Arrays.equals(p, enc)) {
            fail("server " + s.id + " applies " + Zxids.hex(z) + " that was never proposed");
        }
        if (!s.disk.holdsDurably(z)) {
            fail("server " + s.id + " applies " + Zxids.hex(z) + " before it is durable locally");
        }
        TxnRecord known = committed.get(z);
        if (known != null) {
            Long prev = committed.lowerKey(z);
            long expectedPrev = prev == null ? 0 : prev;
            if (expectedPrev != s.lastApplied) {
                fail("server " + s.id + " applies " + Zxids.hex(z) + " after " + Zxids.hex(s.lastApplied)
                        + " but the committed history has " + Zxids.hex(expectedPrev) + " before it (gap)");
            }
        } else {
            long last = committed.isEmpty() ? 0 : committed.lastKey();
            if (z < last) {
                fail("server " + s.id + " applies " + Zxids.hex(z) + " unknown to the committed history that"
                        + " already reaches " + Zxids.hex(last) + " (divergence)");
            }
            if (s.lastApplied != last) {
                fail("server " + s.id + " applies new " + Zxids.hex(z) + " after " + Zxids.hex(s.lastApplied)
                        + " but the committed history ends at " + Zxids.hex(last) + " (gap)");
            }
            committed.put(z, r);
            configHistory.committed(r);
            if (r.txn() instanceof Txn.Reconfig) {
                stats.reconfigsCommitted++;
                if (tracing) {
                    trace("reconfig " + Zxids.hex(z) + " committed: "
                            + SimConfigs.describe(
                                    configHistory.configs.lastEntry().getValue()));
                }
            }
        }
        s.tree.apply(r.header(), r.txn());
        s.applied = z;
        s.lastApplied = z;
    }

    private void checkProposal(SimServer s, long zxid, TxnRecord record) {
        if (proposed.containsKey(zxid)) {
            fail("zxid " + Zxids.hex(zxid) + " proposed twice (by " + s.id + ")");
        }
        if (zxid <= s.lastProposed) {
            fail("leader " + s.id + " proposed " + Zxids.hex(zxid) + " after " + Zxids.hex(s.lastProposed));
        }
        s.lastProposed = zxid;
        proposed.put(zxid, record.toBytes());
    }

    private void checkInvariants() {
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            Epochs e = s.disk.epochs;
            if (e.acceptedEpoch() < e.currentEpoch()) {
                fail("server " + i + " durable acceptedEpoch < currentEpoch: " + e);
            }
            if (s.up && s.applied > s.disk.durableZxid() && !s.disk.holdsDurably(s.applied)) {
                fail("server " + i + " applied state ahead of its durable log");
            }
        }
    }

    /**
     * Every txn any node applied (committed) is durably held by a quorum of the voters of the config it was
     * committed under (a reconfig: of the old and the new one) and of every config committed after it.
     */
    private void checkCommittedDurable() {
        String bad =
                configHistory.notDurable(committed.keySet(), (id, z) -> id <= n && servers[id].disk.holdsDurably(z));
        if (bad != null) {
            fail(bad);
        }
    }

    private boolean converged() {
        SimServer leader = null;
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            if (!s.up) {
                if (s.started) {
                    return false; // heal restarts every server that ever ran
                }
                continue; // a spare never added
            }
            if (s.node.role() == Role.LEADING && s.node.isServing()) {
                leader = s;
            }
        }
        if (leader == null
                || leader.node.committedZxid() != leader.node.lastZxid()
                || leader.node.pendingConfig() != null) {
            return false;
        }
        long target = leader.node.lastZxid();
        ZabConfig config = leader.node.config();
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            if (config.isMember(i) && (!s.node.isServing() || s.applied != target)) {
                return false;
            }
        }
        return true;
    }

    private void finalChecks() {
        long last = committed.isEmpty() ? 0 : committed.lastKey();
        long version = configHistory.configs.lastKey();
        List<Peer> finalMembers = configHistory.configs.lastEntry().getValue();
        byte[] ref = null;
        int refId = 0;
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            if (finalMembers.stream().noneMatch(p -> p.id() == s.id)) {
                // not in the last committed config: never started, removed (stepped out), or started to be added
                // by a reconfig that never committed (a follower without a vote)
                if (s.up && s.node.role() == Role.LEADING) {
                    fail("server " + i + " is outside the committed config " + SimConfigs.describe(finalMembers)
                            + " but leads");
                }
                continue;
            }
            byte[] tree = serialize(s.tree);
            if (ref == null) {
                ref = tree;
                refId = i;
            } else if (!Arrays.equals(ref, tree)) {
                fail("data trees differ between server " + refId + " and server " + i);
            }
            if (s.applied != last) {
                fail("server " + i + " applied " + Zxids.hex(s.applied) + " but committed history ends at "
                        + Zxids.hex(last));
            }
            // a reconfig commits everywhere or nowhere: every member is in the last committed config, none has
            // another one pending
            if (s.node.config().version() != version || s.node.pendingConfig() != null) {
                fail("server " + i + " has config " + Zxids.hex(s.node.config().version()) + " pending "
                        + s.node.pendingConfig() + " but the committed config is " + Zxids.hex(version));
            }
        }
        checkCommittedDurable();
    }

    String status() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            SimServer s = servers[i];
            b.append("\n  server ").append(i).append(s.up ? "" : " DOWN");
            if (s.up) {
                b.append(' ')
                        .append(s.node.role())
                        .append(" leader=")
                        .append(s.node.leaderId())
                        .append(" serving=")
                        .append(s.node.isServing())
                        .append(" epochs=")
                        .append(s.node.epochs())
                        .append(" last=")
                        .append(Zxids.hex(s.node.lastZxid()))
                        .append(" durable=")
                        .append(Zxids.hex(s.node.durableZxid()))
                        .append(" committed=")
                        .append(Zxids.hex(s.node.committedZxid()))
                        .append(" applied=")
                        .append(Zxids.hex(s.applied))
                        .append(" disk=(durable ")
                        .append(Zxids.hex(s.disk.durableZxid()))
                        .append(", last ")
                        .append(Zxids.hex(s.disk.lastZxid()))
                        .append(s.fsyncScheduled ? ", fsync pending)" : ")");
                if (reconfigs) {
                    ZabConfig p = s.node.pendingConfig();
                    b.append(s.node.isRemoved() ? " removed" : "")
                            .append(" config ")
                            .append(Zxids.hex(s.node.config().version()))
                            .append(" [")
                            .append(SimConfigs.describe(s.node.config().peers()))
                            .append("]")
                            .append(p == null ? "" : " pending [" + SimConfigs.describe(p.peers()) + "]");
                }
            }
        }
        return b.toString();
    }

    void fail(String what) {
        throw new SimFailure(describe() + " at t=" + time + ": " + what + status() + "\n" + traceText(), null);
    }

    private void trace(String s) {
        if (!tracing) {
            return;
        }
        trace.addLast("t=" + time + " " + s);
        if (trace.size() > Integer.getInteger("zab.sim.traceSize", 400)) {
            trace.removeFirst();
        }
    }

    private String traceText() {
        if (!tracing) {
            return "(re-run with -Dzab.sim.seed=" + seed + " for a trace)";
        }
        return "last events:\n  " + String.join("\n  ", trace);
    }

    // ------------------------------------------------------------------ trees

    static byte[] serialize(DataTree tree) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            tree.serialize(new DataOutputStream(bytes));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DataTree deserialize(byte[] data) {
        try {
            return DataTree.deserialize(new DataInputStream(new ByteArrayInputStream(data)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
