package io.coordinator.bench;

import io.coordinator.bench.Cluster.Side;
import io.coordinator.bench.LoadGenerator.Params;
import io.coordinator.bench.LoadGenerator.Result;
import io.coordinator.testsupport.Member;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Apache ZooKeeper 3.9.5 and Coordinator side by side on this machine: for each mode (standalone, 3-node
 * ensemble) and round, a fresh ZooKeeper cluster runs every workload, then a fresh Coordinator cluster
 * runs them (A/B/A/B), and a final table gives the medians of both sides and the ratio
 * Coordinator/ZooKeeper. Every run is bounded in time; child JVMs are killed at the end, also on Ctrl-C.
 * Run it with {@code coordinator-bench/run.sh} (see docs/benchmarks.md).
 */
public final class SideBySide {

    static final List<String> ALL_WORKLOADS = List.of(
            "write",
            "read",
            "mixed",
            "create-delete",
            "watch-fanout",
            "session-storm",
            "large-tree",
            "failover",
            "restart");

    /** The workloads that can also run open-loop, at a share of ZooKeeper's saturation rate. */
    static final List<String> REQUEST_WORKLOADS = List.of("write", "read", "mixed", "create-delete");

    record Row(String mode, String side, int round, Result result) {
        boolean isOf(String mode, String side, String workload) {
            return this.mode.equals(mode)
                    && this.side.equals(side)
                    && result.workload().equals(workload);
        }
    }

    /**
     * The modes {@code --mode} names: {@code standalone}, {@code ensemble} (3 voters), {@code 5-node} (5 voters),
     * {@code 3+2} (3 voters and 2 observers: read scaling), {@code both} (standalone and ensemble) or {@code scale}
     * (ensemble, 5-node and 3+2).
     */
    static List<String> modes(String option) {
        return switch (option) {
            case "both" -> List.of("standalone", "ensemble");
            case "standalone" -> List.of("standalone");
            case "ensemble", "3-node" -> List.of("ensemble");
            case "5-node" -> List.of("5-node");
            case "3+2", "observers" -> List.of("3+2");
            case "scale" -> List.of("ensemble", "5-node", "3+2");
            default -> throw new IllegalArgumentException("--mode standalone|ensemble|5-node|3+2|both|scale");
        };
    }

    /** Members of a mode's cluster, observers included. */
    static int size(String mode) {
        return switch (mode) {
            case "standalone" -> 1;
            case "5-node", "3+2" -> 5;
            default -> 3;
        };
    }

    /** Observers of a mode's cluster (the last members). */
    static int observers(String mode) {
        return mode.equals("3+2") ? 2 : 0;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadGenerator.parse(args);
        Params p = Params.from(o);
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "2"));
        List<String> modes = modes(o.getOrDefault("mode", "both"));
        List<String> workloads = Arrays.asList(
                o.getOrDefault("workloads", String.join(",", ALL_WORKLOADS)).split(","));
        for (String w : workloads) {
            if (!ALL_WORKLOADS.contains(w)) {
                throw new IllegalArgumentException("unknown workload " + w + "; known: " + ALL_WORKLOADS);
            }
        }
        int largeTreeZnodes = Integer.parseInt(o.getOrDefault("large-tree-znodes", "20000"));
        int restartRounds = Integer.parseInt(o.getOrDefault("restart-rounds", "5"));
        int restartZnodes = Math.max(1, Integer.parseInt(o.getOrDefault("restart-znodes", "1000")));
        int restartLoadThreads = Integer.parseInt(o.getOrDefault(
                "restart-load-threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        // the failover workload's writes before the kill: this long to warm the fresh servers, then 1 s measured
        long failoverWarmMs = Long.parseLong(o.getOrDefault("failover-warm-ms", "1000"));
        int maxMinutes = Integer.parseInt(o.getOrDefault("max-minutes", "60"));
        Path out = Path.of(o.getOrDefault("out", "coordinator-bench/target/bench-results"));
        Path work = Path.of(o.getOrDefault("work-dir", "coordinator-bench/target/bench-work"));
        Path jfrDir = o.containsKey("jfr") ? Path.of(o.get("jfr")) : null;
        List<String> jfrWorkloads =
                Arrays.asList(o.getOrDefault("jfr-workloads", "write").split(","));
        // --async-profiler LIB: with --jfr, a wall-clock profile (every thread, running or waiting) of each node by
        // async-profiler's agent (libasyncProfiler.so from tools.profiler:async-profiler) instead of JFR
        Path asyncProfiler = o.containsKey("async-profiler")
                ? Path.of(o.get("async-profiler")).toAbsolutePath()
                : null;
        if (asyncProfiler != null && (jfrDir == null || !Files.isRegularFile(asyncProfiler))) {
            throw new IllegalArgumentException(
                    "--async-profiler needs --jfr DIR and the agent library: " + asyncProfiler);
        }
        List<String> sides =
                Arrays.asList(o.getOrDefault("sides", "zookeeper,coordinator").split(","));
        boolean keep = Boolean.parseBoolean(o.getOrDefault("keep", "false"));
        // --open-loop 25,50,75: after each request workload's saturation run, the same workload open-loop at
        // these percentages of ZooKeeper's saturation rate for it (measured earlier in the same round)
        List<Integer> openLoop = o.containsKey("open-loop")
                ? Arrays.stream(o.get("open-loop").split(","))
                        .map(String::trim)
                        .map(Integer::parseInt)
                        .toList()
                : List.of();
        for (int pct : openLoop) {
            if (pct < 1 || pct > 200) {
                throw new IllegalArgumentException("--open-loop percentages must be in 1..200, got " + pct);
            }
        }
        // before each measured open-loop run, this long at the same rate unmeasured: the latency at a fixed load is
        // the steady state's, not the catching up after the saturation run before it (both servers lag then)
        int openLoopWarmS = Integer.parseInt(o.getOrDefault("open-loop-warm-s", "2"));
        // --open-loop-base R: the shares are of R requests per second instead of ZooKeeper's saturation rate (for
        // one side alone at the load a side-by-side run chose)
        double openLoopBase = Double.parseDouble(o.getOrDefault("open-loop-base", "0"));
        if (openLoopWarmS < 0) {
            throw new IllegalArgumentException("--open-loop-warm-s must be >= 0, got " + openLoopWarmS);
        }
        Files.createDirectories(out);
        Files.createDirectories(work);
        String javaHome = System.getProperty("java.home");
        Cluster.Config cfg = new Cluster.Config(
                javaHome,
                o.getOrDefault("heap", "1g"),
                Integer.parseInt(o.getOrDefault("tick-time", "2000")),
                Path.of(o.getOrDefault("jar", "coordinator-server/target/coordinator-server.jar"))
                        .toAbsolutePath(),
                o.containsKey("cds-dir") ? Path.of(o.get("cds-dir")).toAbsolutePath() : null,
                System.getProperty("java.class.path"),
                Integer.parseInt(o.getOrDefault("ready-timeout", "120")));
        if (!Files.isRegularFile(cfg.coordinatorJar())) {
            throw new IllegalArgumentException(
                    "no server jar at " + cfg.coordinatorJar() + " (build it, or pass --jar)");
        }
        if (cfg.coordinatorCds() != null
                && !Files.isRegularFile(cfg.coordinatorCds().resolve("app.jsa"))) {
            throw new IllegalArgumentException(
                    "no AppCDS archive in " + cfg.coordinatorCds() + " (prepare it with coordinator-server/cds.sh)");
        }

        String coordinatorLaunch =
                cfg.coordinatorCds() != null ? "the AppCDS layout (cds.sh)" : "the fat jar (java -jar)";
        List<Row> rows = Collections.synchronizedList(new ArrayList<>());
        // The whole run is bounded: past --max-minutes the JVM exits and the shutdown hook kills every child,
        // after printing the table of the results so far.
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(TimeUnit.MINUTES.toMillis(maxMinutes));
                        System.err.println("bench: --max-minutes " + maxMinutes + " exceeded; stopping");
                        synchronized (rows) {
                            System.out.println("\n# partial (--max-minutes exceeded)\n"
                                    + table(new ArrayList<>(rows), modes, workloads, coordinatorLaunch));
                        }
                        System.exit(2);
                    } catch (InterruptedException e) {
                        // finished in time
                    }
                },
                "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        String stamp = Instant.now().toString().replace(':', '-');
        Path jsonl = out.resolve("results-" + stamp + ".jsonl");
        System.out.printf(
                Locale.ROOT,
                "# side-by-side: modes=%s workloads=%s rounds=%d %s heap=%s coordinator=%s results=%s%n",
                modes,
                workloads,
                rounds,
                p,
                cfg.heap(),
                cfg.coordinatorCds() != null ? "AppCDS " + cfg.coordinatorCds() : "fat jar " + cfg.coordinatorJar(),
                jsonl);
        for (String mode : modes) {
            int size = size(mode);
            for (int round = 1; round <= rounds; round++) {
                for (Side side : Side.values()) {
                    if (!sides.contains(side.label)) {
                        continue;
                    }
                    // failover kills the leader, so it runs last; 3 nodes only
                    List<String> loadWorkloads = new ArrayList<>(workloads.stream()
                            .filter(w -> !w.equals("large-tree") && !w.equals("failover") && !w.equals("restart"))
                            .toList());
                    if (workloads.contains("failover") && size > 1) {
                        loadWorkloads.add("failover");
                    }
                    if (!loadWorkloads.isEmpty()) {
                        try (Cluster c = new Cluster(side, size, observers(mode), work, cfg)) {
                            long t0 = System.nanoTime();
                            c.start();
                            System.out.printf(
                                    Locale.ROOT,
                                    "# %s %s round %d: ready in %d ms at %s%n",
                                    mode,
                                    side.label,
                                    round,
                                    (System.nanoTime() - t0) / 1_000_000,
                                    c.connectString());
                            for (String w : loadWorkloads) {
                                Process leader = c.process(c.leader());
                                boolean jfr = jfrDir != null && jfrWorkloads.contains(w);
                                String jfrName = String.format("%s-%s-%s-r%d.jfr", side.label, mode, w, round);
                                if (jfr) {
                                    Files.createDirectories(jfrDir);
                                }
                                if (jfr && asyncProfiler == null) {
                                    for (Process np : c.processes()) {
                                        jcmd(
                                                javaHome,
                                                np.pid(),
                                                "JFR.start",
                                                "name=bench",
                                                "settings=profile",
                                                "filename="
                                                        + jfrDir.resolve(profileName(jfrName, np, leader))
                                                                .toAbsolutePath());
                                    }
                                }
                                WallProfile wall = jfr && asyncProfiler != null
                                        ? new WallProfile(javaHome, asyncProfiler, jfrDir, c, leader)
                                        : null;
                                Result r;
                                Thread dumper = jfr && asyncProfiler == null
                                        ? threadDumps(
                                                javaHome,
                                                leader.pid(),
                                                jfrDir.resolve(jfrName.replace(".jfr", "-threads.txt")),
                                                p.seconds())
                                        : null;
                                long[] cpuBefore = serverCpuTicks(c);
                                if (wall != null) {
                                    wall.start();
                                }
                                try {
                                    r = w.equals("failover")
                                            ? failover(c, failoverWarmMs)
                                            : LoadGenerator.run(c.connectString(), w, p);
                                } catch (Exception e) {
                                    r = Result.failure(w, p.clients(), p.seconds(), e);
                                }
                                if (wall != null) {
                                    wall.stop(jfrName);
                                }
                                if (!w.equals("failover")) {
                                    r = withServerCpu(r, cpuBefore, serverCpuTicks(c));
                                }
                                if (dumper != null) {
                                    // thread dumps stop the JVM at a safepoint: not during the open-loop tails
                                    dumper.interrupt();
                                    dumper.join(10_000);
                                }
                                record(rows, jsonl, new Row(mode, side.label, round, r));
                                if (REQUEST_WORKLOADS.contains(w)) {
                                    double max = openLoopBase > 0 ? openLoopBase : saturationRate(rows, mode, w, r);
                                    for (int pct : openLoop) {
                                        Params at = p.atRate(max * pct / 100.0);
                                        Result ol;
                                        try {
                                            if (openLoopWarmS > 0) {
                                                LoadGenerator.run(c.connectString(), w, at.withSeconds(openLoopWarmS));
                                            }
                                            if (wall != null) {
                                                wall.start();
                                            }
                                            ol = LoadGenerator.run(c.connectString(), w, at);
                                            if (wall != null) {
                                                wall.stop(jfrName.replace(".jfr", "-at" + pct + ".jfr"));
                                            }
                                        } catch (Exception e) {
                                            ol = Result.failure(w, p.clients(), p.seconds(), e);
                                        }
                                        record(
                                                rows,
                                                jsonl,
                                                new Row(
                                                        mode,
                                                        side.label,
                                                        round,
                                                        ol.withWorkload(openLoopName(w, pct))));
                                    }
                                }
                                if (jfr && asyncProfiler == null) { // the recording covers the open-loop runs too
                                    for (Process np : c.processes()) {
                                        jcmd(javaHome, np.pid(), "JFR.stop", "name=bench");
                                    }
                                }
                            }
                        } finally {
                            // close() has stopped the nodes; drop their data
                        }
                        if (!keep) {
                            cleanup(work);
                        }
                    }
                    if (workloads.contains("large-tree") && largeTreeZnodes > 0 && size == 1) {
                        Result r;
                        try {
                            r = largeTree(
                                    side,
                                    work,
                                    cfg,
                                    p,
                                    largeTreeZnodes,
                                    javaHome,
                                    out.resolve("histo-" + side.label + "-r" + round));
                        } catch (Exception e) {
                            r = Result.failure("large-tree", p.clients(), 0, e);
                        }
                        record(rows, jsonl, new Row(mode, side.label, round, r));
                        if (!keep) {
                            cleanup(work);
                        }
                    }
                    if (workloads.contains("restart") && size == 1) {
                        int thisRound = round;
                        try {
                            restart(
                                    side,
                                    work,
                                    cfg,
                                    p,
                                    restartZnodes,
                                    restartRounds,
                                    restartLoadThreads,
                                    r -> record(rows, jsonl, new Row(mode, side.label, thisRound, r)));
                        } catch (Exception e) {
                            record(
                                    rows,
                                    jsonl,
                                    new Row(mode, side.label, round, Result.failure("restart-idle", 1, 0, e)));
                        }
                        if (!keep) {
                            cleanup(work);
                        }
                    }
                }
            }
        }
        watchdog.interrupt();
        String table = table(rows, modes, workloads, coordinatorLaunch);
        System.out.println();
        System.out.println(table);
        Files.writeString(out.resolve("table-" + stamp + ".md"), table);
        System.out.println("# results: " + jsonl);
    }

    /** The leader's file is {@code name}; every other node's gets {@code -pid<N>} before the extension. */
    static String profileName(String name, Process node, Process leader) {
        if (node == leader) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return name.substring(0, dot) + "-pid" + node.pid() + name.substring(dot);
    }

    /**
     * A wall-clock profile of every node of a cluster around one measured run, by async-profiler's agent loaded
     * with {@code jcmd JVMTI.agent_load}: every thread is sampled whether it runs or waits (JFR samples only running
     * threads), so the time a request spends queued or parked shows. Written as collapsed stacks per thread.
     */
    record WallProfile(String javaHome, Path agent, Path dir, Cluster cluster, Process leader) {
        // jcmd parses key=value arguments itself: the agent's options go in as one quoted argument
        void start() throws IOException, InterruptedException {
            for (Process np : cluster.processes()) {
                jcmd(javaHome, np.pid(), "JVMTI.agent_load", agent.toString(), "\"start,event=wall,interval=1ms\"");
            }
        }

        /** Stops and writes {@code <dir>/<name without .jfr>-wall.collapsed} per node. */
        void stop(String name) throws IOException, InterruptedException {
            String file = name.replace(".jfr", "-wall.collapsed");
            for (Process np : cluster.processes()) {
                jcmd(
                        javaHome,
                        np.pid(),
                        "JVMTI.agent_load",
                        agent.toString(),
                        "\"stop,collapsed,threads,file="
                                + dir.resolve(profileName(file, np, leader)).toAbsolutePath()
                                + "\"");
            }
        }
    }

    /**
     * The rate the open-loop runs of {@code w} take their percentages of: ZooKeeper's latest saturation result
     * for it in this mode, or {@code own} (this side's) when ZooKeeper has none (e.g. --sides coordinator).
     */
    static double saturationRate(List<Row> rows, String mode, String w, Result own) {
        synchronized (rows) {
            for (int i = rows.size() - 1; i >= 0; i--) {
                Row row = rows.get(i);
                if (row.isOf(mode, Side.ZOOKEEPER.label, w) && row.result().ops() > 0) {
                    return row.result().opsPerSec();
                }
            }
        }
        return own.opsPerSec();
    }

    static String openLoopName(String workload, int pct) {
        return workload + "@" + pct + "%";
    }

    private static void cleanup(Path work) {
        try (var s = Files.list(work)) {
            for (Path d : (Iterable<Path>) s::iterator) {
                try (var w = Files.walk(d)) {
                    w.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        } catch (IOException e) {
            // leave it
        }
    }

    private static void record(List<Row> rows, Path jsonl, Row row) throws IOException {
        rows.add(row);
        System.out.printf(
                Locale.ROOT,
                "%-10s %-11s r%d %s%n",
                row.mode(),
                row.side(),
                row.round(),
                row.result().human());
        String json = String.format(
                Locale.ROOT,
                "{\"mode\":\"%s\",\"side\":\"%s\",\"round\":%d,%s}",
                row.mode(),
                row.side(),
                row.round(),
                row.result().json());
        System.out.println(json);
        Files.writeString(jsonl, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    // ------------------------------------------------------------------ server CPU

    /**
     * CPU time the cluster's server processes have used so far: {user, system} in clock ticks from
     * /proc/PID/stat on Linux; elsewhere the total (ProcessHandle) as user and 0 as system.
     */
    static long[] serverCpuTicks(Cluster c) {
        long[] sum = new long[2];
        for (Process proc : c.processes()) {
            if (proc == null) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(proc.pid()), "stat"));
                // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum[0] += Long.parseLong(f[11]);
                sum[1] += Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                sum[0] += proc.info()
                        .totalCpuDuration()
                        .map(d -> d.toMillis() / (1000 / TICKS_PER_SECOND))
                        .orElse(0L);
            }
        }
        return sum;
    }

    /** Linux's USER_HZ, the unit of utime/stime in /proc/PID/stat (100 on every common kernel). */
    private static final long TICKS_PER_SECOND = 100;

    /**
     * Adds the servers' CPU time during the run: {@code serverCpuMs} in total (and its system part,
     * {@code serverSysCpuMs}) and {@code serverCpuUsPerOp} per operation, so a side that wins only by taking more
     * of a shared machine shows it.
     */
    static Result withServerCpu(Result r, long[] before, long[] after) {
        double userMs = (after[0] - before[0]) * 1000.0 / TICKS_PER_SECOND;
        double sysMs = (after[1] - before[1]) * 1000.0 / TICKS_PER_SECOND;
        double totalMs = userMs + sysMs;
        String cpu = String.format(
                Locale.ROOT,
                "\"serverCpuMs\":%.0f,\"serverSysCpuMs\":%.0f,\"serverCpuUsPerOp\":%.1f",
                totalMs,
                sysMs,
                r.ops() == 0 ? 0.0 : totalMs * 1000 / r.ops());
        return r.withExtra(r.extra().isEmpty() ? cpu : r.extra() + "," + cpu);
    }

    // ------------------------------------------------------------------ failover

    /**
     * 3 nodes: a client on a follower writes (setData, synchronously, one after another) for warmMs + 1 s, then the
     * leader is SIGKILLed; the result is the time from the kill to the first successful write sent after it,
     * and how often the client saw its connection drop (ZooKeeper's follower drops its clients while it elects;
     * Coordinator's holds them through a short election). Bounded by 60 s.
     */
    static Result failover(Cluster c, long warmMs) throws Exception {
        Member leaderNode = c.leader();
        Member leader = null;
        Member follower = null;
        for (Member n : c.nodes) {
            if (n == leaderNode) {
                leader = n;
            } else if (follower == null) {
                follower = n;
            }
        }
        if (leader == null || follower == null) {
            throw new IllegalStateException("no leader/follower to fail over");
        }
        AtomicLong disconnects = new AtomicLong();
        ZooKeeper zk = LoadGenerator.connect("127.0.0.1:" + follower.clientPort(), 30, e -> {
            if (e.getType() == Watcher.Event.EventType.None && e.getState() == Watcher.Event.KeeperState.Disconnected) {
                disconnects.incrementAndGet();
            }
        });
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstWriteAfterKill = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        // The servers start just before this workload: warmMs warms their JIT; the second after it gives the
        // latency of one synchronous write through a follower.
        AtomicBoolean measuring = new AtomicBoolean();
        Histogram steadyLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Thread writer = new Thread(
                () -> {
                    byte[] v = new byte[100];
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(70);
                    while (firstWriteAfterKill.get() == 0 && System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        try {
                            zk.setData("/failover", v, -1);
                            writes.incrementAndGet();
                            if (measuring.get() && killedAt.get() == 0) {
                                steadyLatency.recordValue(System.nanoTime() - sent);
                            }
                            long k = killedAt.get();
                            if (k != 0 && sent >= k) {
                                firstWriteAfterKill.set(System.nanoTime());
                            }
                        } catch (KeeperException e) {
                            failures.incrementAndGet();
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-failover-writer");
        try {
            zk.create("/failover", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.start();
            Thread.sleep(warmMs);
            measuring.set(true);
            Thread.sleep(1000);
            long before = writes.get();
            killedAt.set(System.nanoTime());
            c.process(leader).destroyForcibly(); // SIGKILL, not waiting: the clock runs from here
            writer.join(TimeUnit.SECONDS.toMillis(75));
            long end = firstWriteAfterKill.get();
            if (end == 0) {
                throw new IllegalStateException("no successful write within 60 s of killing the leader");
            }
            double ms = (end - killedAt.get()) / 1e6;
            String extra = String.format(
                    Locale.ROOT,
                    "\"failoverMs\":%.1f,\"writesBeforeKill\":%d,\"steadyWriteP50Ms\":%.2f,\"failedWrites\":%d,"
                            + "\"disconnects\":%d,\"killedNode\":%d",
                    ms,
                    before,
                    steadyLatency.getValueAtPercentile(50) / 1e6,
                    failures.get(),
                    disconnects.get(),
                    leader.id());
            return new Result("failover", 1, 0, 1, 0, 1000.0 / Math.max(ms, 0.001), ms, ms, ms, extra);
        } finally {
            writer.interrupt();
            zk.close(2_000);
            c.stopNode(leader, true);
        }
    }

    // ------------------------------------------------------------------ large-tree

    /**
     * Standalone only. Loads {@code znodes} znodes of {@code --value-size} bytes (async creates, bounded
     * outstanding), measures the live heap before and after with {@code jcmd GC.class_histogram} (which runs
     * a full GC first; "Total" bytes = live objects), then SIGKILLs the server and times the restart: from
     * spawning the JVM to srvr answering and a client reading the last znode.
     */
    static Result largeTree(
            Side side, Path work, Cluster.Config cfg, Params p, int znodes, String javaHome, Path histoPrefix)
            throws Exception {
        try (Cluster c = new Cluster(side, 1, work, cfg)) {
            c.start();
            long pid = c.process(c.nodes.get(0)).pid();
            long before = liveHeap(javaHome, pid, histoPrefix, "before");
            byte[] value = new byte[p.valueSize()];
            Recorder lat = new Recorder(3);
            long start = System.nanoTime();
            ZooKeeper zk = LoadGenerator.connect(c.connectString());
            AsyncCreates creates = new AsyncCreates(zk, znodes, p.outstanding() * p.clients(), lat);
            try {
                zk.create("/lt", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                int buckets = Math.max(1, znodes / 1000);
                for (int b = 0; b < buckets; b++) {
                    zk.create("/lt/b" + b, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                for (int i = 0; i < znodes; i++) {
                    if (!creates.create("/lt/b" + (i % buckets) + "/n" + i, value) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("large-tree load stalled at " + i);
                    }
                }
                if (!creates.awaitAll(60)) {
                    throw new IllegalStateException("large-tree creates did not complete");
                }
            } finally {
                zk.close(5_000);
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            long after = liveHeap(javaHome, pid, histoPrefix, "loaded");
            double perZnode = (after - before) / (double) znodes;

            Member n = c.nodes.get(0);
            c.stopNode(n, true);
            long t0 = System.nanoTime();
            c.startNode(n);
            c.awaitReady();
            ZooKeeper check = LoadGenerator.connect(c.connectString());
            try {
                int last = znodes - 1;
                check.getData("/lt/b" + (last % Math.max(1, znodes / 1000)) + "/n" + last, false, null);
            } finally {
                check.close(5_000);
            }
            long restartMs = (System.nanoTime() - t0) / 1_000_000;
            c.awaitSettled();
            long afterRestart = liveHeap(javaHome, c.process(c.nodes.get(0)).pid(), histoPrefix, "restarted");
            String extra = String.format(
                    Locale.ROOT,
                    "\"znodes\":%d,\"heapPerZnodeBytes\":%.1f,\"heapPerZnodeAfterRestartBytes\":%.1f,\"restartMs\":%d,\"liveHeapBeforeBytes\":%d,\"liveHeapAfterBytes\":%d",
                    znodes,
                    perZnode,
                    (afterRestart - before) / (double) znodes,
                    restartMs,
                    before,
                    after);
            Result r = Result.of(
                    "large-tree", p, znodes, creates.errors(), loadSeconds, lat.getIntervalHistogram(), extra);
            return r.withSeconds((int) Math.round(loadSeconds));
        }
    }

    // ------------------------------------------------------------------ restart

    /** Where {@link #restart} hands each measurement. */
    interface ResultSink {
        void accept(Result r) throws IOException;
    }

    /**
     * Standalone only. Writes {@code znodes} znodes on a fresh server (so a restart recovers them from the
     * log), then {@code restarts} times: SIGKILL, spawn again on the same data dir, and time from the spawn to
     * the first served session (srvr answers, then a new client reads the last znode, as {@link #largeTree}'s
     * restartMs), once idle ({@code restart-idle}) and once with {@code loadThreads} threads spinning in a
     * {@link CpuBurn} child JVM from before the spawn until right after the read ({@code restart-load}).
     * Between restarts Coordinator is left to finish starting ("Started CoordinatorApplication") unloaded; its
     * log then gives the phases (see {@link #phases}). One result per restart.
     */
    static void restart(
            Side side,
            Path work,
            Cluster.Config cfg,
            Params p,
            int znodes,
            int restarts,
            int loadThreads,
            ResultSink sink)
            throws Exception {
        try (Cluster c = new Cluster(side, 1, work, cfg)) {
            c.start();
            ZooKeeper zk = LoadGenerator.connect(c.connectString());
            try {
                createChildren(zk, "/restart", znodes, p.outstanding());
            } finally {
                zk.close(5_000);
            }
            String known = "/restart/n" + (znodes - 1);
            Member n = c.nodes.get(0);
            for (int i = 0; i < restarts; i++) {
                for (int threads : loadThreads > 0 ? new int[] {0, loadThreads} : new int[] {0}) {
                    String w = threads == 0 ? "restart-idle" : "restart-load";
                    Result r;
                    try {
                        r = restartOnce(c, n, known, threads, cfg, w);
                    } catch (Exception e) {
                        r = Result.failure(w, 1, 0, e);
                    }
                    sink.accept(r);
                }
            }
        }
    }

    static Result restartOnce(Cluster c, Member n, String known, int loadThreads, Cluster.Config cfg, String workload)
            throws Exception {
        c.stopNode(n, true); // SIGKILL
        long logOffset = Files.exists(n.log()) ? Files.size(n.log()) : 0;
        // the load outlives any restart that can pass (ready timeout + slack), and is killed right after the read
        Process burn = loadThreads > 0 ? Cluster.startCpuBurn(cfg, loadThreads, cfg.readyTimeoutSeconds() + 60) : null;
        long spawnedAt;
        long restartMs;
        try {
            spawnedAt = System.currentTimeMillis();
            long t0 = System.nanoTime();
            c.startNode(n);
            c.awaitReady();
            ZooKeeper check = LoadGenerator.connect(c.connectString());
            try {
                check.getData(known, false, null);
                restartMs = (System.nanoTime() - t0) / 1_000_000;
            } finally {
                check.close(5_000);
            }
        } finally {
            Cluster.stopCpuBurn(burn);
        }
        c.awaitSettled();
        String extra = String.format(Locale.ROOT, "\"restartMs\":%d,\"loadThreads\":%d", restartMs, loadThreads);
        if (c.side == Side.COORDINATOR) {
            extra += "," + phases(n.log(), logOffset, spawnedAt, restartMs);
        }
        double ms = Math.max(restartMs, 1);
        return new Result(workload, 1, 0, 1, 0, 1000.0 / ms, ms, ms, ms, extra);
    }

    /** Coordinator's start-up log lines that mark the phases of a restart (Spring Boot's console timestamps). */
    static final String DATA_DIR = "Opened data directory";

    static final String SERVING = "Coordinator serving ZooKeeper clients on";
    static final String STARTED = "Started CoordinatorApplication";

    /**
     * Where one restart's time went, in ms, from the log this start appended (from {@code offset}), with the
     * spawn and the first served session on the same wall clock, in the order the server starts: {@code toRunMs}
     * spawn to Spring Boot's {@code run} (JVM, launcher, main; from the "Started ... in X seconds (process running
     * for Y)" line, Y - X, counted from the JVM's start a few ms after the spawn), {@code runToDataDirMs} from there
     * to "Opened data directory" (environment, logging, the early start's bind and validation),
     * {@code dataDirToServingMs} to "Coordinator serving ZooKeeper clients on" (log, recovery, pipeline, client
     * port), {@code servingToSessionMs} to the read, and {@code toStartedMs} spawn to "Started
     * CoordinatorApplication" (the context, built after the client port serves). -1 when a line is missing.
     */
    static String phases(Path log, long offset, long spawnedAt, long restartMs) throws IOException {
        String text;
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(offset);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return phases(text, spawnedAt, restartMs);
    }

    static String phases(String text, long spawnedAt, long restartMs) {
        long dataDir = logTime(text, DATA_DIR);
        long serving = logTime(text, SERVING);
        long started = logTime(text, STARTED);
        long session = spawnedAt + restartMs;
        long toRun = -1;
        Matcher m = Pattern.compile(STARTED + " in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)")
                .matcher(text);
        if (m.find()) {
            toRun = Math.round((Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1))) * 1000);
        }
        return String.format(
                Locale.ROOT,
                "\"toRunMs\":%d,\"runToDataDirMs\":%d,\"dataDirToServingMs\":%d,\"servingToSessionMs\":%d,\"toStartedMs\":%d",
                toRun,
                toRun < 0 || dataDir < 0 ? -1 : dataDir - (spawnedAt + toRun),
                dataDir < 0 || serving < 0 ? -1 : serving - dataDir,
                serving < 0 ? -1 : session - serving,
                started < 0 ? -1 : started - spawnedAt);
    }

    /** Epoch ms of the first line containing {@code marker}, from its leading ISO-8601 timestamp; -1 if none. */
    static long logTime(String log, String marker) {
        for (String line : log.split("\n")) {
            if (line.contains(marker)) {
                try {
                    return OffsetDateTime.parse(line.substring(0, line.indexOf(' ')))
                            .toInstant()
                            .toEpochMilli();
                } catch (RuntimeException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** {@code count} persistent children {@code parent/n<i>} with async creates, at most {@code outstanding} in flight. */
    static void createChildren(ZooKeeper zk, String parent, int count, int outstanding) throws Exception {
        zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        AsyncCreates creates = new AsyncCreates(zk, count, outstanding, null);
        byte[] value = new byte[100];
        for (int i = 0; i < count; i++) {
            if (!creates.create(parent + "/n" + i, value)) {
                throw new IllegalStateException("creates under " + parent + " stalled at " + i);
            }
        }
        if (!creates.awaitAll(60) || creates.errors() > 0) {
            throw new IllegalStateException(
                    "creates under " + parent + ": " + creates.errors() + " failed or not all done");
        }
    }

    /**
     * Samples the leader with {@code jcmd Thread.print} every 500 ms (after a 1 s warm-up) for the workload's
     * duration, appending the dumps to {@code file}: a wall-clock view (waiting threads included) that JFR's
     * CPU sampling lacks.
     */
    static Thread threadDumps(String javaHome, long pid, Path file, int seconds) {
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(1000);
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds - 2));
                        while (System.nanoTime() < end) {
                            String dump = jcmd(javaHome, pid, "Thread.print");
                            Files.writeString(file, dump + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                            Thread.sleep(500);
                        }
                    } catch (InterruptedException e) {
                        // workload over
                    } catch (IOException e) {
                        System.err.println("thread dumps: " + e);
                    }
                },
                "bench-thread-dumps");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Live heap bytes after a full GC: the "Total" line of {@code jcmd PID GC.class_histogram}. */
    static long liveHeap(String javaHome, long pid) throws IOException, InterruptedException {
        return liveHeap(javaHome, pid, null, null);
    }

    /**
     * As {@link #liveHeap(String, long)}, also keeping the whole histogram in {@code prefix-stage.txt} (when
     * prefix is not null) so a per-class diff (e.g. loaded minus before) shows where the bytes per znode go.
     */
    static long liveHeap(String javaHome, long pid, Path prefix, String stage)
            throws IOException, InterruptedException {
        String out = jcmd(javaHome, pid, "GC.class_histogram");
        if (prefix != null) {
            Files.createDirectories(prefix.toAbsolutePath().getParent());
            Files.writeString(Path.of(prefix + "-" + stage + ".txt"), out);
        }
        for (String line : out.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] f = t.split("\\s+");
                return Long.parseLong(f[f.length - 1]);
            }
        }
        throw new IOException("no Total in class histogram of " + pid);
    }

    static String jcmd(String javaHome, long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(javaHome, "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(Arrays.asList(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder sb = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sb) {
                        sb.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + String.join(" ", command) + " timed out");
        }
        reader.join(5_000);
        synchronized (sb) {
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------ table

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double med(List<Row> rows, String mode, String side, String w, ToDoubleFunction<Result> f) {
        return median(values(rows, mode, side, w, f));
    }

    /** Errors of one side and workload, summed over all rounds (failed runs included). */
    static long errors(List<Row> rows, String mode, String side, String w) {
        return rows.stream()
                .filter(r -> r.isOf(mode, side, w))
                .mapToLong(r -> r.result().errors())
                .sum();
    }

    /** f of every successful result of one side and workload (all rounds). */
    static List<Double> values(List<Row> rows, String mode, String side, String w, ToDoubleFunction<Result> f) {
        List<Double> v = new ArrayList<>();
        for (Row r : rows) {
            if (r.isOf(mode, side, w) && r.result().ops() > 0) {
                v.add(f.applyAsDouble(r.result()));
            }
        }
        return v;
    }

    static double extra(Result r, String key) {
        String e = r.extra();
        int i = e.indexOf("\"" + key + "\":");
        if (i < 0) {
            return Double.NaN;
        }
        int s = i + key.length() + 3;
        int end = s;
        while (end < e.length() && ",}".indexOf(e.charAt(end)) < 0) {
            end++;
        }
        return Double.parseDouble(e.substring(s, end));
    }

    static String table(List<Row> rows, List<String> modes, List<String> workloads, String coordinatorLaunch) {
        StringBuilder sb = new StringBuilder();
        // large-tree and restart have tables of their own
        List<String> loadWorkloads = workloads.stream()
                .filter(w -> !w.equals("large-tree") && !w.equals("restart"))
                .toList();
        if (!loadWorkloads.isEmpty()) {
            sb.append(
                    "Medians over rounds; ratio = Coordinator / ZooKeeper (throughput: higher is better; latency: lower is better).\n\n");
            sb.append(
                    "| mode | workload | ZK ops/s | Coord ops/s | ops ratio | ZK p50 ms | Coord p50 ms | ZK p99 ms | Coord p99 ms | p99 ratio | ZK p99.9 ms | Coord p99.9 ms | errors ZK/Coord |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        String zk = Side.ZOOKEEPER.label;
        String co = Side.COORDINATOR.label;
        for (String mode : loadWorkloads.isEmpty() ? List.<String>of() : modes) {
            for (String w : loadWorkloads) {
                double zo = med(rows, mode, zk, w, Result::opsPerSec);
                double cop = med(rows, mode, co, w, Result::opsPerSec);
                double z50 = med(rows, mode, zk, w, Result::p50Ms);
                double c50 = med(rows, mode, co, w, Result::p50Ms);
                double z99 = med(rows, mode, zk, w, Result::p99Ms);
                double c99 = med(rows, mode, co, w, Result::p99Ms);
                long ze = errors(rows, mode, zk, w);
                long ce = errors(rows, mode, co, w);
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d/%d |%n",
                        mode,
                        w,
                        zo,
                        cop,
                        cop / zo,
                        z50,
                        c50,
                        z99,
                        c99,
                        c99 / z99,
                        med(rows, mode, zk, w, Result::p999Ms),
                        med(rows, mode, co, w, Result::p999Ms),
                        ze,
                        ce));
            }
        }
        if (workloads.contains("watch-fanout")) {
            sb.append(
                    "\nwatch-fanout: ops = fan-out rounds; p50/p99 = setData reply to the last of the --watchers notifications.\n");
        }
        if (workloads.contains("session-storm")) {
            sb.append(
                    "session-storm: ops = sessions opened and closed; latency = open (connect to SyncConnected); closes run in the background.\n");
        }
        if (workloads.contains("large-tree") && modes.contains("standalone")) {
            sb.append("\n| large-tree (standalone) | ZK | Coord | ratio |\n|---|---:|---:|---:|\n");
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put("znodes", "znodes");
            keys.put("heapPerZnodeBytes", "live heap per znode after load (B)");
            keys.put("heapPerZnodeAfterRestartBytes", "live heap per znode after restart (B)");
            keys.put("restartMs", "restart to serving (ms)");
            for (var k : keys.entrySet()) {
                double z = med(rows, "standalone", zk, "large-tree", r -> extra(r, k.getKey()));
                double c = med(rows, "standalone", co, "large-tree", r -> extra(r, k.getKey()));
                sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", k.getValue(), z, c, c / z));
            }
            double z = med(rows, "standalone", zk, "large-tree", Result::opsPerSec);
            double c = med(rows, "standalone", co, "large-tree", Result::opsPerSec);
            sb.append(String.format(Locale.ROOT, "| load rate (creates/s) | %.0f | %.0f | %.2f |%n", z, c, c / z));
        }
        openLoopTable(rows, modes, sb);
        return restartTable(rows, modes, workloads, coordinatorLaunch, sb).toString();
    }

    /**
     * The open-loop runs: per workload and percentage of ZooKeeper's saturation rate, the rate both sides
     * achieved and their tails (medians over rounds), latency counted from each request's scheduled send time.
     */
    static void openLoopTable(List<Row> rows, List<String> modes, StringBuilder sb) {
        List<String> names;
        synchronized (rows) {
            names = rows.stream()
                    .map(r -> r.result().workload())
                    .filter(w -> w.contains("@"))
                    .distinct()
                    .toList();
        }
        if (names.isEmpty()) {
            return;
        }
        String zk = Side.ZOOKEEPER.label;
        String co = Side.COORDINATOR.label;
        sb.append("\nOpen loop: a fixed rate (a share of ZooKeeper's saturation rate in the same round), latency from")
                .append(" each request's scheduled send time; medians over rounds.\n\n")
                .append("| mode | workload @ share | target ops/s | ZK ops/s | Coord ops/s | ZK p99 ms | Coord p99 ms")
                .append(" | ZK p99.9 ms | Coord p99.9 ms | p99.9 ratio | errors ZK/Coord |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String mode : modes) {
            for (String w : names) {
                double target = med(rows, mode, co, w, r -> extra(r, "targetOpsPerSec"));
                if (Double.isNaN(target)) {
                    target = med(rows, mode, zk, w, r -> extra(r, "targetOpsPerSec"));
                }
                if (Double.isNaN(target)) {
                    continue;
                }
                double z999 = med(rows, mode, zk, w, Result::p999Ms);
                double c999 = med(rows, mode, co, w, Result::p999Ms);
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d/%d |%n",
                        mode,
                        w,
                        target,
                        med(rows, mode, zk, w, Result::opsPerSec),
                        med(rows, mode, co, w, Result::opsPerSec),
                        med(rows, mode, zk, w, Result::p99Ms),
                        med(rows, mode, co, w, Result::p99Ms),
                        z999,
                        c999,
                        c999 / z999,
                        errors(rows, mode, zk, w),
                        errors(rows, mode, co, w)));
            }
        }
    }

    /**
     * The restart workload: restart-to-serving per side (median, min, max over every restart of every round)
     * idle and under load, then Coordinator's phases (medians).
     */
    static StringBuilder restartTable(
            List<Row> rows, List<String> modes, List<String> workloads, String coordinatorLaunch, StringBuilder sb) {
        if (!workloads.contains("restart") || !modes.contains("standalone")) {
            return sb;
        }
        String zk = Side.ZOOKEEPER.label;
        String co = Side.COORDINATOR.label;
        sb.append(
                        "\nrestart (standalone): spawn to the first served session (srvr answers, a new client reads a znode), ms;"
                                + " Coordinator launched from ")
                .append(coordinatorLaunch)
                .append(".\n\n");
        sb.append(
                "| restart | n ZK/Coord | ZK median | ZK min | ZK max | Coord median | Coord min | Coord max | ratio (medians) | failed ZK/Coord |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String w : List.of("restart-idle", "restart-load")) {
            List<Double> z = values(rows, "standalone", zk, w, r -> extra(r, "restartMs"));
            List<Double> c = values(rows, "standalone", co, w, r -> extra(r, "restartMs"));
            if (z.isEmpty() && c.isEmpty()) {
                continue;
            }
            double threads = median(values(rows, "standalone", co, w, r -> extra(r, "loadThreads")));
            String label = w.equals("restart-idle")
                    ? "idle"
                    : String.format(Locale.ROOT, "under load (%.0f spinning threads)", threads);
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d/%d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %d/%d |%n",
                    label,
                    z.size(),
                    c.size(),
                    median(z),
                    min(z),
                    max(z),
                    median(c),
                    min(c),
                    max(c),
                    median(c) / median(z),
                    failed(rows, zk, w),
                    failed(rows, co, w)));
        }
        sb.append("\n| Coordinator phases (medians, ms) | idle | under load |\n|---|---:|---:|\n");
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("toRunMs", "spawn → SpringApplication.run (JVM, launcher; from \"process running for\")");
        keys.put("runToDataDirMs", "→ \"" + DATA_DIR + "\" (environment, logging, early start's bind and validation)");
        keys.put("dataDirToServingMs", "→ \"" + SERVING + "\" (log, recovery, pipeline, client port)");
        keys.put("servingToSessionMs", "→ first served session");
        keys.put("restartMs", "= spawn → first served session");
        keys.put("toStartedMs", "spawn → \"" + STARTED + "\" (the context, built after; load stopped at the read)");
        for (var k : keys.entrySet()) {
            double idle = med(rows, "standalone", co, "restart-idle", r -> extra(r, k.getKey()));
            double load = med(rows, "standalone", co, "restart-load", r -> extra(r, k.getKey()));
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f |%n", k.getValue(), idle, load));
        }
        return sb;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static long failed(List<Row> rows, String side, String w) {
        return rows.stream()
                .filter(r -> r.side().equals(side)
                        && r.result().workload().equals(w)
                        && r.result().ops() == 0)
                .count();
    }
}
