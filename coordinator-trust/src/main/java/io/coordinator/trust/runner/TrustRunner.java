package io.coordinator.trust.runner;

import io.coordinator.trust.check.Checker;
import io.coordinator.trust.check.EphemeralProbe;
import io.coordinator.trust.check.OrderChecker;
import io.coordinator.trust.check.Violation;
import io.coordinator.trust.history.History;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Outcome;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.WatchEvent;
import io.coordinator.trust.nemesis.Ensemble;
import io.coordinator.trust.nemesis.FaultKind;
import io.coordinator.trust.nemesis.Nemesis;
import io.coordinator.trust.nemesis.ServerNode;
import io.coordinator.trust.nemesis.ServerSettings;
import io.coordinator.trust.workload.ClientSettings;
import io.coordinator.trust.workload.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Rounds of: clients record a history under a fresh root while the nemesis injects one fault (from 25% to
 * 60% of the round) and heals it; after the ensemble is healthy again an ephemeral owner dies; then every
 * client does a final sync+read, a fresh client reads every key back, and the checker runs. Prints a line per
 * round and writes target/trust/summary.md (and a report per failing round).
 */
public final class TrustRunner {
    private static final long OP_TIMEOUT_MS = 30_000;
    /** The sync probe's bound per op: it runs inside the fault window and must not hold up the heal. */
    private static final long PROBE_TIMEOUT_MS = 3_000;

    private static final int HEALTHY_WITHIN_SECONDS = 90;
    /** A fault lasts at least this long: a PAUSE must outlast the 6 s session timeout even in short rounds. */
    private static final long FAULT_MIN_NANOS = TimeUnit.SECONDS.toNanos(7);
    /** Three JVMs starting at once on a loaded 2-core machine have been seen to take 75 s. */
    private static final int STARTED_WITHIN_SECONDS = 240;

    private final RunConfig cfg;

    public TrustRunner(RunConfig cfg) {
        this.cfg = cfg;
    }

    public List<RoundResult> run() throws Exception {
        Files.createDirectories(cfg.out());
        Path dir = Files.createTempDirectory(cfg.out(), "cluster-");
        List<RoundResult> results = new ArrayList<>();
        System.out.printf(
                "trust: %d rounds x %d s, %d voters + %d observers, %d clients, seed %d, faults %s, servers in %s%n",
                cfg.rounds(),
                cfg.roundSeconds(),
                cfg.nodes(),
                cfg.observers(),
                cfg.clients(),
                cfg.seed(),
                cfg.faults(),
                dir);
        try (Ensemble ensemble = new Ensemble(
                cfg.nodes(),
                cfg.observers(),
                cfg.faults().contains(FaultKind.RECONFIG),
                dir,
                new ServerSettings(cfg.jar(), cfg.tickMs(), cfg.plant()))) {
            ensemble.start();
            if (!ensemble.awaitHealthy(STARTED_WITHIN_SECONDS)) {
                throw new IllegalStateException("the ensemble did not start; logs in " + dir);
            }
            Nemesis nemesis = new Nemesis(ensemble);
            for (int round = 1; round <= cfg.rounds(); round++) {
                FaultKind kind = cfg.faults().get((round - 1) % cfg.faults().size());
                RoundResult r;
                try {
                    r = round(round, kind, ensemble, nemesis);
                } finally {
                    nemesis.healQuietly();
                }
                results.add(r);
                System.out.printf(
                        "round %2d %-30s ops %5d acked writes %4d unknown %3d lost %d linearizability %d "
                                + "watch %d ephemeral %d reply order %d longest unavailability %5d ms%s%n",
                        r.round(),
                        r.fault(),
                        r.ops(),
                        r.acknowledgedWrites(),
                        r.unknownWrites(),
                        r.lost(),
                        r.linearizability(),
                        r.watch(),
                        r.ephemeral(),
                        r.replyOrder(),
                        r.unavailableMs(),
                        (r.recovered() ? "" : "  NOT RECOVERED") + (r.progressed() ? "" : "  NO PROGRESS"));
                System.out.println("  " + r.injected());
                if (!r.ok()) {
                    Path report = cfg.out().resolve("round-" + round + "-violations.md");
                    Checker.writeReport(r.report(), "Round " + round + ": " + r.injected(), report);
                    System.out.println("  report: " + report + (r.recovered() ? "" : "; server logs in " + dir));
                }
                if (!r.recovered()) {
                    break; // the next rounds would only measure the same outage
                }
            }
        }
        writeSummary(results);
        return results;
    }

    private RoundResult round(int round, FaultKind kind, Ensemble ensemble, Nemesis nemesis) throws Exception {
        String root = "/trust-r" + round;
        History history = new History();
        long start = System.nanoTime();
        long roundNanos = TimeUnit.SECONDS.toNanos(cfg.roundSeconds());
        ClientSettings server = new ClientSettings(ensemble.connectString(), cfg.sessionTimeoutMs(), OP_TIMEOUT_MS);

        Worker setup = new Worker(0, server, root, cfg.seed(), history);
        for (String p : List.of(root, root + "/q", root + "/e", root + "/sync")) {
            createForSure(setup, p);
        }
        Worker owner = new Worker(1000 + round, server, root, cfg.seed(), history);
        String probePath = root + "/e/probe";
        Op probeCreated = owner.perform(Request.create(probePath, "probe", true, false), false);
        boolean probeReady = probeCreated.result().outcome() == Outcome.OK;

        List<Worker> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(cfg.clients());
        List<Future<?>> running = new ArrayList<>();
        long stopAt = start + roundNanos;
        for (int c = 1; c <= cfg.clients(); c++) {
            Worker w = new Worker(c, server, root, cfg.seed() * 31 + round * 101L + c, history);
            workers.add(w);
            running.add(pool.submit(() -> {
                w.runUntil(stopAt);
                return null;
            }));
        }
        ExecutorService probePool = Executors.newSingleThreadExecutor();
        Future<?> syncProbe;
        String injected;
        boolean recovered;
        long ephemeralGoneMs = -1;
        List<EphemeralProbe> probes = new ArrayList<>();
        List<Violation> ownerViolations = new ArrayList<>();
        try {
            sleepUntil(start + roundNanos / 4);
            injected = nemesis.inject(kind);
            long injectedAt = System.nanoTime();
            // The fault lasts to 60% of the round, and at least FAULT_MIN_NANOS (a pause must outlast the
            // session timeout even in short rounds).
            long healAt = Math.max(start + roundNanos * 3 / 5, injectedAt + FAULT_MIN_NANOS);
            sleepUntil(injectedAt + (healAt - injectedAt) / 2);
            String midway = nemesis.midway();
            if (midway != null) {
                injected += "; " + midway;
            }
            // beside the schedule (a member that does not answer must not delay the heal)
            syncProbe = probePool.submit(() -> {
                probeSyncs(ensemble, root + "/sync", history, round);
                return null;
            });
            sleepUntil(healAt);
            nemesis.heal();
            recovered = ensemble.awaitHealthy(HEALTHY_WITHIN_SECONDS);
            if (recovered && probeReady) {
                Optional<EphemeralProbe> p =
                        probeEphemeral(ensemble, owner, probeCreated, history, server, ownerViolations);
                p.ifPresent(probes::add);
                ephemeralGoneMs = p.map(x -> x.latencyNanos() / 1_000_000).orElse(-1L);
            }
            for (Future<?> f : running) {
                f.get(OP_TIMEOUT_MS * 4, TimeUnit.MILLISECONDS);
            }
            syncProbe.get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            // After the heal: each client's last read proves it has every watch event up to its zxid.
            for (Worker w : workers) {
                w.perform(Request.syncGet(root), true);
            }
            Worker reader = new Worker(2000 + round, server, root, 0, history);
            for (int k = 0; k < 5; k++) {
                reader.perform(Request.syncGet(root + "/k" + k), true);
            }
            reader.perform(Request.children(root + "/q", false), true);
            reader.perform(Request.children(root, false), true);
            reader.close();
        } finally {
            pool.shutdownNow();
            probePool.shutdownNow();
            workers.forEach(Worker::close);
            owner.close();
            setup.close();
        }
        List<Op> ops = history.ops();
        List<WatchEvent> events = history.events();
        Checker.Report report = Checker.check(ops, events, probes, List.of())
                .with(OrderChecker.replyOrder(history.replyOrderErrors()))
                .with(ownerViolations);
        return new RoundResult(
                round,
                kind,
                injected,
                ops.size(),
                ops.stream()
                        .filter(o ->
                                o.isWrite() && o.isKnownWrite() && o.result().outcome() == Outcome.OK)
                        .count(),
                ops.stream().filter(Op::isUnknownWrite).count(),
                events.stream().filter(WatchEvent::isNodeEvent).count(),
                longestUnavailability(ops, start, stopAt),
                ephemeralGoneMs,
                recovered,
                cfg.minAckedWrites(),
                report);
    }

    /**
     * While the fault lasts, three times: a write on the leader, then at once a sync+read on every member that
     * serves, each from a client of its own connected to that member only (and connected before the write). The
     * real-time check then sees whether each member's sync waited for the write: a lagging member's above all,
     * where the workload's own sync+reads seldom land. Bounded: ops time out after {@link #PROBE_TIMEOUT_MS}.
     */
    private void probeSyncs(Ensemble ensemble, String path, History history, int round) throws Exception {
        String writeTo = ensemble.leader().map(l -> "127.0.0.1:" + l.clientPort).orElse(ensemble.connectString());
        List<Worker> clients = new ArrayList<>();
        try {
            Worker writer = probeClient(4000 + round, writeTo, path, history, clients);
            List<Worker> readers = new ArrayList<>();
            for (ServerNode n : ensemble.all()) {
                if (n.mode() != null) { // not killed, paused or out of service (a spare not added)
                    Worker r = probeClient(4100 + n.id, "127.0.0.1:" + n.clientPort, path, history, clients);
                    r.perform(Request.exists(path, false), false); // its session is open before the write
                    readers.add(r);
                }
            }
            for (int i = 1; i <= 3; i++) {
                writer.perform(Request.set(path, "probe-r" + round + "-" + i, -1), false);
                for (Worker r : readers) {
                    r.perform(Request.syncGet(path), false);
                }
            }
        } finally {
            clients.forEach(Worker::close);
        }
    }

    private Worker probeClient(int client, String connectString, String path, History history, List<Worker> all) {
        Worker w = new Worker(
                client, new ClientSettings(connectString, cfg.sessionTimeoutMs(), PROBE_TIMEOUT_MS), path, 0, history);
        all.add(w);
        return w;
    }

    /** Creates a node, retrying an unknown outcome (a retry that finds it made is fine: both are in the history). */
    private static void createForSure(Worker w, String path) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            Op op = w.perform(Request.create(path, "", false, false), false);
            if (op.result().outcome() == Outcome.OK || op.result().code() == Result.NODEEXISTS) {
                return;
            }
        }
        throw new IllegalStateException("could not create " + path);
    }

    /**
     * The owner vanishes without closing its session; a fresh client polls until the ephemeral is gone. Not
     * measured if the leader changed meanwhile (a new leader gives every session a fresh timeout).
     */
    private Optional<EphemeralProbe> probeEphemeral(
            Ensemble ensemble,
            Worker owner,
            Op created,
            History history,
            ClientSettings server,
            List<Violation> violations)
            throws Exception {
        Optional<ServerNode> leaderBefore = ensemble.leader();
        String path = created.req().path();
        // The owner may have lost its session during the fault (its server paused for longer than the session
        // timeout before it reconnected elsewhere): its client then saw Expired and the next op runs on a new
        // session, the ephemeral is rightly gone and there is no death to time. The same session answering
        // that its own ephemeral is gone is a server fault.
        Op alive = owner.perform(Request.exists(path, false), false);
        boolean held = alive.result().outcome() == Outcome.OK
                && alive.result().stat() != null
                && alive.result().stat().ephemeralOwner() == created.session();
        if (!held) {
            List<String> timeline = new ArrayList<>(List.of(created.toString()));
            history.events().stream()
                    .filter(e -> e.session() == created.session())
                    .map(WatchEvent::toString)
                    .forEach(timeline::add);
            timeline.add(alive.toString());
            if (alive.session() == created.session() && alive.result().zxid() > 0) {
                violations.add(new Violation(
                        Violation.Category.EPHEMERAL,
                        "the owner's live session no longer holds its ephemeral " + path,
                        timeline));
            } else {
                System.out.println(
                        "  ephemeral probe skipped: the owner's session ended during the fault: " + timeline);
            }
            return Optional.empty();
        }
        long session = owner.crash();
        long death = System.nanoTime();
        long allowed = TimeUnit.MILLISECONDS.toNanos(cfg.sessionTimeoutMs() + cfg.tickMs() + 3000);
        long giveUp = death + allowed + TimeUnit.SECONDS.toNanos(10);
        Worker observer = new Worker(3000, server, "/", 0, new History());
        long gone = -1;
        try {
            while (System.nanoTime() < giveUp) {
                Op op = observer.perform(Request.exists(path, false), false);
                if (op.result().code() == Result.NONODE) {
                    gone = op.complete();
                    break;
                }
                Thread.sleep(100); // polling another process's state: there is no event to wait on here
            }
        } finally {
            observer.close();
        }
        if (!leaderBefore.equals(ensemble.leader())) {
            return Optional.empty();
        }
        return Optional.of(new EphemeralProbe(path, session, death, gone, allowed));
    }

    /** The longest time no write succeeded, from the round's start to its end. */
    private static long longestUnavailability(List<Op> ops, long start, long end) {
        List<Long> done = ops.stream()
                .filter(o -> o.isWrite() && o.result().outcome() == Outcome.OK)
                .map(Op::complete)
                .sorted(Comparator.naturalOrder())
                .toList();
        long longest = 0;
        long prev = start;
        for (long t : done) {
            if (t > end) {
                break;
            }
            longest = Math.max(longest, t - prev);
            prev = t;
        }
        longest = Math.max(longest, end - prev);
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // the round's schedule, not a synchronisation
        }
    }

    private void writeSummary(List<RoundResult> results) throws IOException {
        StringBuilder sb = new StringBuilder("# Trust run\n\n");
        sb.append(String.format(
                "%d rounds x %d s, %d voters + %d observers, %d clients, tick %d ms, session timeout %d ms, seed %d%n%n",
                results.size(),
                cfg.roundSeconds(),
                cfg.nodes(),
                cfg.observers(),
                cfg.clients(),
                cfg.tickMs(),
                cfg.sessionTimeoutMs(),
                cfg.seed()));
        sb.append(RoundResult.header());
        results.forEach(r -> sb.append(r.row()));
        long ops = results.stream().mapToLong(RoundResult::ops).sum();
        long acked = results.stream().mapToLong(RoundResult::acknowledgedWrites).sum();
        sb.append(String.format(
                "%nTotal: %d ops, %d acknowledged writes, %d lost, %d linearizability, %d watch, "
                        + "%d ephemeral, %d reply order violations; longest unavailability %d ms%n",
                ops,
                acked,
                results.stream().mapToLong(RoundResult::lost).sum(),
                results.stream().mapToLong(RoundResult::linearizability).sum(),
                results.stream().mapToLong(RoundResult::watch).sum(),
                results.stream().mapToLong(RoundResult::ephemeral).sum(),
                results.stream().mapToLong(RoundResult::replyOrder).sum(),
                results.stream().mapToLong(RoundResult::unavailableMs).max().orElse(0)));
        Files.writeString(cfg.out().resolve("summary.md"), sb.toString());
        System.out.print(sb);
    }

    public static void main(String[] args) throws Exception {
        List<RoundResult> results = new TrustRunner(RunConfig.fromSystemProperties()).run();
        System.exit(results.stream().allMatch(RoundResult::ok) ? 0 : 1);
    }
}
