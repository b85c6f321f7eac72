package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.app.TestClients;
import io.coordinator.testsupport.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of a real three-process ensemble started from {@code config/cluster/nodeN.yml} (ports, data dirs and
 * a 500 ms tick overridden on the command line). Writer threads (official client, all three addresses) create
 * and setData continuously and record every acknowledged write; one more client holds an ephemeral node and a
 * watch. The leader is SIGKILLed (the time to the first write that started after the kill and succeeded is
 * printed), restarted soon (it catches up from the leader's log: DIFF, or TRUNC if it held an uncommitted
 * tail); then a follower is SIGKILLed and kept down while enough writes happen for the leader to purge the log
 * it would need (snapshots every few thousand txns, one kept), so on restart it must install a snapshot (SNAP).
 * Afterwards every acknowledged write is on every server (each read alone after a sync), the three trees are
 * identical, and the ephemeral owner kept its session, its ephemeral and its watch.
 *
 * <p>Needs the packaged jar, like {@link CrashRecoveryOnCoordinatorIT}: skipped if absent or stale unless
 * {@code -Dcoordinator.crash-test.require-jar=true}. {@code -Dcoordinator.failover.snap-txns=N} sets how many
 * txns the second victim must miss (default 55,000: the leader keeps the newest 50,000 log records in memory
 * and serves DIFFs from them, and rolls 64 MiB log segments, so fewer cannot force a SNAP).
 */
@Timeout(600)
@ExtendWith(NeedsPackagedJar.class)
class EnsembleFailoverIT {
    static final int WRITERS = 6;
    static final int TICK_MS = 500;
    static final int SESSION_TIMEOUT = 10_000; // the maximum at this tick (20 ticks)
    static final int SNAPSHOT_EVERY = 4000;
    static final byte[] PAYLOAD_PAD = new byte[1200];
    static final long SNAP_TXNS = Long.getLong("coordinator.failover.snap-txns", 55_000);
    static final Duration SNAP_PHASE_MAX = Duration.ofSeconds(Long.getLong("coordinator.failover.snap-seconds", 150));

    static {
        Arrays.fill(PAYLOAD_PAD, (byte) 'p');
    }

    // ---------------------------------------------------------------- the ensemble

    private Path dir;
    private ClusterYmlEnsemble nodes;

    private void sigkill(int i) throws InterruptedException {
        nodes.process(i).kill();
        assertThat(nodes.process(i).isAlive()).as("node%d died", i + 1).isFalse();
    }

    private int leader() {
        for (int i = 0; i < 3; i++) {
            if ("leader".equals(nodes.mode(i))) {
                return i;
            }
        }
        return -1;
    }

    private long zxidOf(int i) {
        try {
            for (String line :
                    RawClient.fourLetterWord(nodes.clientPort(i), "srvr").split("\n")) {
                if (line.startsWith("Zxid: 0x")) {
                    return Long.parseUnsignedLong(line.substring(8).trim(), 16);
                }
            }
        } catch (IOException e) {
            // not serving
        }
        return -1;
    }

    /** Polls observable state until it holds; fails with {@code what} after {@code max}. */
    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(50); // polling observable state, not synchronising by time
        }
    }

    private String syncPath(int i) throws IOException {
        String log = Files.readString(nodes.log(i), StandardCharsets.UTF_8);
        if (log.contains("Installing a snapshot")) {
            return "SNAP";
        }
        return log.contains("Truncating the log") ? "TRUNC (then DIFF)" : "DIFF";
    }

    // ---------------------------------------------------------------- the writers' model

    /** path -> data of every acknowledged create. */
    private final Map<String, String> ackedCreates = new ConcurrentHashMap<>();
    /** Creates whose outcome the client never learned (connection loss): either there or not. */
    private final Set<String> uncertainCreates = ConcurrentHashMap.newKeySet();
    /** key path -> the values written to it, in order, each acknowledged or not. */
    private final Map<String, List<Write>> keyWrites = new ConcurrentHashMap<>();

    record Write(String value, boolean acked) {}

    private final AtomicLong acks = new AtomicLong();
    private final List<Throwable> writerErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long killedAt = Long.MAX_VALUE;
    private final AtomicLong firstAckAfterKill = new AtomicLong(Long.MAX_VALUE);

    static ZooKeeper connect(String cs, int timeout, Watcher also) throws Exception {
        return TestClients.connect(cs, timeout, also);
    }

    private void writer(int t) {
        ZooKeeper z = null;
        int op = 0;
        try {
            while (!stop.get()) {
                if (z == null || !z.getState().isAlive()) {
                    if (z != null) {
                        z.close();
                    }
                    try {
                        z = connect(nodes.connectString(), SESSION_TIMEOUT, e -> {});
                    } catch (Exception e) {
                        z = null;
                        failures.incrementAndGet();
                        continue;
                    }
                }
                op++;
                String value = t + "-" + op;
                boolean create = op % 10 == 0;
                String path = create ? "/fo/w" + t + "/n" + op : "/fo/k" + t + "-" + (op % 8);
                byte[] data = create ? value.getBytes(StandardCharsets.UTF_8) : payload(value);
                List<Write> writes = create ? null : keyWrites.computeIfAbsent(path, k -> new ArrayList<>());
                long start = System.nanoTime();
                try {
                    if (create) {
                        uncertainCreates.add(path);
                        z.create(path, data, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        uncertainCreates.remove(path);
                        ackedCreates.put(path, value);
                    } else {
                        int slot;
                        synchronized (writes) {
                            writes.add(new Write(value, false));
                            slot = writes.size() - 1;
                        }
                        z.setData(path, data, -1);
                        synchronized (writes) {
                            writes.set(slot, new Write(value, true));
                        }
                    }
                    acks.incrementAndGet();
                    if (start >= killedAt) {
                        long end = System.nanoTime();
                        firstAckAfterKill.accumulateAndGet(end, Math::min);
                    }
                } catch (KeeperException.ConnectionLossException
                        | KeeperException.SessionExpiredException
                        | KeeperException.SessionMovedException e) {
                    failures.incrementAndGet(); // outcome unknown: the model keeps it as uncertain
                    awaitConnectedOrDead(z);
                }
            }
        } catch (Exception e) {
            writerErrors.add(new IllegalStateException("writer " + t + " failed", e));
        } finally {
            if (z != null) {
                try {
                    z.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** After a connection loss, wait (bounded) until the client reconnects or its session is gone. */
    private void awaitConnectedOrDead(ZooKeeper z) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stop.get()
                && System.nanoTime() < deadline
                && z.getState().isAlive()
                && !z.getState().isConnected()) {
            Thread.sleep(20); // polling the client's state
        }
    }

    static byte[] payload(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(v, v.length + 1 + PAYLOAD_PAD.length);
        out[v.length] = '|';
        System.arraycopy(PAYLOAD_PAD, 0, out, v.length + 1, PAYLOAD_PAD.length);
        return out;
    }

    static String valueOf(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int bar = s.indexOf('|');
        return bar < 0 ? s : s.substring(0, bar);
    }

    // ---------------------------------------------------------------- the test

    @Test
    void acknowledgedWritesSessionsAndWatchesSurviveLeaderAndFollowerKillsAndRestarts(@TempDir Path tmp)
            throws Exception {
        dir = tmp;
        nodes = new ClusterYmlEnsemble(
                dir,
                "384m",
                TICK_MS,
                "--coordinator.snapshot-every-txns=" + SNAPSHOT_EVERY,
                "--coordinator.snapshot-retain-count=1");
        List<Thread> writers = new ArrayList<>();
        ZooKeeper holder = null;
        try {
            for (int i = 0; i < 3; i++) {
                nodes.launch(i);
            }
            // a bound, not a measure: three Spring Boot JVMs starting at once on a busy 2-core machine took 75 s
            nodes.awaitOneLeaderTwoFollowers(Duration.ofSeconds(180));

            // setup, and the client that holds an ephemeral and a watch throughout
            try (ZooKeeper z = connect(nodes.connectString(), SESSION_TIMEOUT, e -> {})) {
                z.create("/fo", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int t = 0; t < WRITERS; t++) {
                    z.create("/fo/w" + t, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    for (int k = 0; k < 8; k++) {
                        String key = "/fo/k" + t + "-" + k;
                        z.create(key, payload("init"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        keyWrites.computeIfAbsent(key, x -> new ArrayList<>()).add(new Write("init", true));
                    }
                }
            }
            BlockingQueue<WatchedEvent> holderEvents = new LinkedBlockingQueue<>();
            holder = connect(nodes.connectString(), SESSION_TIMEOUT, holderEvents::add);
            long holderSession = holder.getSessionId();
            holder.create("/fo/eph", "held".getBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            assertThat(holder.exists("/fo/watched", true)).isNull(); // a watch for its creation

            for (int t = 0; t < WRITERS; t++) {
                int id = t;
                Thread th = new Thread(() -> writer(id), "writer-" + t);
                th.setDaemon(true);
                th.start();
                writers.add(th);
            }
            // Run for more than a session timeout before the first kill: a new leader must not judge the sessions
            // by a clock it never ran as a follower (it once expired every session on its first tick).
            long upSince = System.nanoTime();
            await(
                    "500 acknowledged writes and two session timeouts of writing",
                    Duration.ofSeconds(90),
                    () -> acks.get() >= 500
                            && System.nanoTime() - upSince > TimeUnit.MILLISECONDS.toNanos(2L * SESSION_TIMEOUT));

            // 1. SIGKILL the leader; measure until the first write that started after the kill succeeds
            int firstVictim = leader();
            assertThat(firstVictim).as("a leader").isGreaterThanOrEqualTo(0);
            long acksBeforeKill = acks.get();
            killedAt = System.nanoTime();
            sigkill(firstVictim);
            progress(
                    "SIGKILLed leader node%d after %d acks, holder session 0x%x",
                    firstVictim + 1, acksBeforeKill, holderSession);
            await(
                    "a write acknowledged after the leader was killed",
                    Duration.ofSeconds(60),
                    () -> firstAckAfterKill.get() != Long.MAX_VALUE);
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(firstAckAfterKill.get() - killedAt);
            long acksAtFailover = acks.get();
            await("300 more writes on two servers", Duration.ofSeconds(60), () -> acks.get() >= acksAtFailover + 300);

            // 2. restart it soon: it catches up from the leader's log
            nodes.launch(firstVictim);
            nodes.awaitOneLeaderTwoFollowers(Duration.ofSeconds(180));
            long acksAtRejoin = acks.get();
            await("300 more writes on three servers", Duration.ofSeconds(60), () -> acks.get() >= acksAtRejoin + 300);

            // 3. SIGKILL a follower and keep it down until the leader could no longer send it a DIFF
            int lead = leader();
            int secondVictim = -1;
            for (int i = 0; i < 3; i++) {
                if (i != lead && i != firstVictim && "follower".equals(nodes.mode(i))) {
                    secondVictim = i;
                }
            }
            if (secondVictim < 0) { // the restarted one leads now: any follower will do
                for (int i = 0; i < 3; i++) {
                    if (i != lead && "follower".equals(nodes.mode(i))) {
                        secondVictim = i;
                    }
                }
            }
            assertThat(secondVictim).as("a follower").isGreaterThanOrEqualTo(0);
            long zxidAtSecondKill = zxidOf(secondVictim);
            sigkill(secondVictim);
            progress(
                    "SIGKILLed follower node%d at zxid 0x%x (leader node%d)",
                    secondVictim + 1, zxidAtSecondKill, lead + 1);
            long snapPhaseStart = System.nanoTime();
            int leaderNow = lead;
            long[] leaderZxid = {0};
            long deadline = System.nanoTime() + SNAP_PHASE_MAX.toNanos();
            boolean purged = false;
            while (System.nanoTime() < deadline) {
                leaderZxid[0] = zxidOf(leaderNow);
                purged = Files.readString(nodes.log(leaderNow), StandardCharsets.UTF_8)
                        .contains("Purged ");
                if (purged
                        && (leaderZxid[0] & 0xffffffffL) - (zxidAtSecondKill & 0xffffffffL) >= SNAP_TXNS
                        && (leaderZxid[0] >>> 32) == (zxidAtSecondKill >>> 32)) {
                    break;
                }
                Thread.sleep(200); // polling the leader's zxid and log
            }
            long snapPhaseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - snapPhaseStart);
            progress(
                    "restarting node%d after %d ms: leader zxid 0x%x, purged %s, %d acks",
                    secondVictim + 1, snapPhaseMs, leaderZxid[0], purged, acks.get());
            nodes.launch(secondVictim);
            nodes.awaitOneLeaderTwoFollowers(Duration.ofSeconds(180));
            long acksAtSecondRejoin = acks.get();
            await(
                    "300 more writes after both restarts",
                    Duration.ofSeconds(60),
                    () -> acks.get() >= acksAtSecondRejoin + 300);

            stop.set(true);
            for (Thread th : writers) {
                th.join(60_000);
                assertThat(th.isAlive()).as("%s stopped", th.getName()).isFalse();
            }

            assertThat(writerErrors).as("writers failed unexpectedly").isEmpty();
            System.out.printf(
                    "EnsembleFailoverIT: failover (leader node%d SIGKILL -> first write started after it"
                            + " acknowledged) = %d ms%n",
                    firstVictim + 1, failoverMs);
            System.out.printf(
                    "EnsembleFailoverIT: node%d restarted soon: %s; node%d down %d ms while the leader went"
                            + " from zxid 0x%x to 0x%x (purged: %s): %s%n",
                    firstVictim + 1,
                    syncPath(firstVictim),
                    secondVictim + 1,
                    snapPhaseMs,
                    zxidAtSecondKill,
                    leaderZxid[0],
                    purged,
                    syncPath(secondVictim));
            System.out.printf(
                    "EnsembleFailoverIT: %d acknowledged writes (%d before the kill), %d failed or"
                            + " uncertain, %d creates acknowledged, %d uncertain; holder session 0x%x%n",
                    acks.get(),
                    acksBeforeKill,
                    failures.get(),
                    ackedCreates.size(),
                    uncertainCreates.size(),
                    holderSession);

            // 4. verify every server alone
            List<Map<String, String>> trees = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (ZooKeeper z = connect("127.0.0.1:" + nodes.clientPort(i), SESSION_TIMEOUT, e -> {})) {
                    sync(z, "/");
                    verifyModel(z, i, holderSession);
                    trees.add(walk(z));
                }
            }
            for (int i = 1; i < 3; i++) {
                assertThat(trees.get(i))
                        .as("tree of node%d equals node1's", i + 1)
                        .isEqualTo(trees.get(0));
            }

            // 5. the holder kept its session, its ephemeral and its watch
            assertThat(holder.getState().isConnected()).as("holder connected").isTrue();
            assertThat(holder.getSessionId()).isEqualTo(holderSession);
            Stat eph = holder.exists("/fo/eph", false);
            assertThat(eph).isNotNull();
            assertThat(eph.getEphemeralOwner()).isEqualTo(holderSession);
            List<Watcher.Event.KeeperState> states = new ArrayList<>();
            holderEvents.stream().map(WatchedEvent::getState).forEach(states::add);
            assertThat(states).doesNotContain(Watcher.Event.KeeperState.Expired);
            try (ZooKeeper z = connect(nodes.connectString(), SESSION_TIMEOUT, e -> {})) {
                z.create("/fo/watched", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            WatchedEvent created = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (created == null && System.nanoTime() < until) {
                WatchedEvent e = holderEvents.poll(1, TimeUnit.SECONDS);
                if (e != null && e.getType() == Watcher.Event.EventType.NodeCreated) {
                    created = e;
                }
            }
            assertThat(created)
                    .as("the holder's watch fired after all the failovers")
                    .isNotNull();
            assertThat(created.getPath()).isEqualTo("/fo/watched");

        } finally {
            stop.set(true);
            for (Thread th : writers) {
                th.join(30_000);
            }
            if (holder != null) {
                holder.close();
            }
            for (ServerProcess p : nodes.processes()) {
                p.kill();
            }
            keepLogs();
        }
    }

    /** Copies the servers' logs to target/ensemble-failover-logs for a look after the run. */
    private void keepLogs() throws IOException {
        Path keep = Path.of("target", "ensemble-failover-logs");
        Files.createDirectories(keep);
        try (var old = Files.list(keep)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        try (var s = Files.list(dir)) {
            for (Path p :
                    s.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void progress(String format, Object... args) {
        System.out.printf("EnsembleFailoverIT: " + format + "%n", args);
    }

    static void sync(ZooKeeper z, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        z.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertThat(done.get(30, TimeUnit.SECONDS)).as("sync rc").isZero();
    }

    private void verifyModel(ZooKeeper z, int i, long holderSession) throws Exception {
        String who = "node" + (i + 1);
        for (Map.Entry<String, String> e : ackedCreates.entrySet()) {
            Stat st = new Stat();
            byte[] data;
            try {
                data = z.getData(e.getKey(), false, st);
            } catch (KeeperException.NoNodeException missing) {
                throw new AssertionError(who + " lost the acknowledged create " + e.getKey());
            }
            assertThat(new String(data, StandardCharsets.UTF_8))
                    .as("%s %s", who, e.getKey())
                    .isEqualTo(e.getValue());
        }
        for (int t = 0; t < WRITERS; t++) {
            for (String child : z.getChildren("/fo/w" + t, false)) {
                String path = "/fo/w" + t + "/" + child;
                assertThat(ackedCreates.containsKey(path) || uncertainCreates.contains(path))
                        .as("%s has %s, which no writer created", who, path)
                        .isTrue();
            }
        }
        for (Map.Entry<String, List<Write>> e : keyWrites.entrySet()) {
            String actual = valueOf(z.getData(e.getKey(), false, null));
            List<Write> writes;
            synchronized (e.getValue()) {
                writes = List.copyOf(e.getValue());
            }
            int lastAcked = -1;
            for (int w = 0; w < writes.size(); w++) {
                if (writes.get(w).acked()) {
                    lastAcked = w;
                }
            }
            List<String> allowed = new ArrayList<>();
            for (int w = Math.max(lastAcked, 0); w < writes.size(); w++) {
                allowed.add(writes.get(w).value());
            }
            assertThat(actual)
                    .as("%s %s: the last acknowledged value or a later unacknowledged one", who, e.getKey())
                    .isIn(allowed);
        }
        Stat eph = z.exists("/fo/eph", false);
        assertThat(eph).as("%s has the holder's ephemeral", who).isNotNull();
        assertThat(eph.getEphemeralOwner()).isEqualTo(holderSession);
    }

    /** path -> data and the Stat fields every server must agree on. */
    static Map<String, String> walk(ZooKeeper z) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of("/"));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            Stat st = new Stat();
            byte[] data = z.getData(path, false, st);
            out.put(
                    path,
                    (data == null ? "null" : Arrays.hashCode(data) + ":" + data.length)
                            + " czxid=" + Long.toHexString(st.getCzxid()) + " mzxid=" + Long.toHexString(st.getMzxid())
                            + " version=" + st.getVersion() + " cversion=" + st.getCversion()
                            + " numChildren=" + st.getNumChildren() + " ephemeralOwner="
                            + Long.toHexString(st.getEphemeralOwner()));
            for (String c : z.getChildren(path, false)) {
                String child = path.equals("/") ? "/" + c : path + "/" + c;
                // a member rewrites its REST address there when it restarts on another HTTP port (web/MemberDirectory,
                // a few seconds after it serves): that write may land between two servers' walks
                if (!child.startsWith("/coordinator/members/")) {
                    todo.add(child);
                }
            }
        }
        return out;
    }
}
