package io.coordinator.server.ops;

import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.request.ServerView;
import io.coordinator.server.zab.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.springframework.context.SmartLifecycle;

/**
 * Micrometer meters of the server (names in README, "Metrics"). Gauges read the server on scrape; request
 * latencies and elections are pushed by listeners attached once the server has started (this bean's lifecycle
 * phase is just after the server's).
 */
public final class CoordinatorMetrics implements SmartLifecycle {
    private final ServerHandle server;
    private final MeterRegistry registry;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Timer electionTimer;
    private final Counter elections;
    private final Timer proposalCommitTimer;
    private volatile long lookingSinceNanos = -1;
    private volatile boolean running;
    private final RequestListening requests;

    private final ZooKeeperMetrics zooKeeperNames;

    public CoordinatorMetrics(ServerHandle server, MeterRegistry registry, ZooKeeperMetrics zooKeeperNames) {
        this.server = server;
        this.requests = new RequestListening(server, this::requestCompleted);
        this.zooKeeperNames = zooKeeperNames;
        this.registry = registry;
        gauge("coordinator.sessions", "Open sessions", ServerView::sessionCount);
        gauge("coordinator.znodes", "Znodes in the tree", ServerView::nodeCount);
        gauge("coordinator.watches", "Registered watches", ServerView::watchCount);
        gauge("coordinator.ephemerals", "Ephemeral znodes", ServerView::ephemeralCount);
        gauge("coordinator.data.size", "Approximate size of the tree's data in bytes", ServerView::approximateDataSize);
        gauge(
                "coordinator.requests.outstanding",
                "Requests received and not yet answered",
                ServerView::outstandingRequests);
        gauge("coordinator.last.zxid", "Last applied zxid", ServerView::lastProcessedZxid);
        Gauge.builder("coordinator.serving", server, s -> s.isServing() ? 1 : 0)
                .description("1 while the server serves clients")
                .register(registry);
        Gauge.builder("coordinator.ready", server, s -> new ClusterStatusService(s).isReady() ? 1 : 0)
                .description("1 while the server is in a quorum and synced (or standalone)")
                .register(registry);
        for (Role r : Role.values()) {
            Gauge.builder(
                            "coordinator.role",
                            server,
                            s -> s.ensemble() != null && s.ensemble().role() == r ? 1 : 0)
                    .tag("role", ClusterStatusService.roleName(r))
                    .description("1 for the server's current role")
                    .register(registry);
        }
        Gauge.builder(
                        "coordinator.epoch",
                        server,
                        s -> s.ensemble() == null ? 0 : s.ensemble().currentEpoch())
                .description("Current ZAB epoch")
                .register(registry);
        Gauge.builder("coordinator.peers.max.lag", server, CoordinatorMetrics::maxLag)
                .description("On the leader: largest lag of a learner, in txns")
                .baseUnit("txns")
                .register(registry);

        FunctionCounter.builder("coordinator.packets.received", server, s -> port(s, true))
                .description("Client packets received")
                .register(registry);
        FunctionCounter.builder("coordinator.packets.sent", server, s -> port(s, false))
                .description("Client packets sent")
                .register(registry);
        Gauge.builder(
                        "coordinator.connections",
                        server,
                        s -> s.clientPort() == null
                                ? 0
                                : s.clientPort().connections().size())
                .description("Open client connections")
                .register(registry);

        // limits: what each refused or held back (README, "Limits")
        FunctionCounter.builder(
                        "coordinator.limit.rejections",
                        server,
                        s -> s.clientPort() == null ? 0 : s.clientPort().stats().connectionsRejected())
                .tag("limit", "max-client-connections")
                .description("Connections refused by the per-IP limit")
                .register(registry);
        FunctionCounter.builder(
                        "coordinator.limit.rejections",
                        server,
                        s -> s.clientPort() == null ? 0 : s.clientPort().stats().oversizedFrames())
                .tag("limit", "max-packet-size")
                .description("Connections closed for a frame over the size limit")
                .register(registry);
        FunctionCounter.builder(
                        "coordinator.limit.rejections",
                        server,
                        s -> s.view() == null ? 0 : s.view().watchLimitRejections())
                .tag("limit", "max-watches-per-session")
                .description("Requests refused because their session held the maximum number of watches")
                .register(registry);
        FunctionCounter.builder(
                        "coordinator.limit.backpressure",
                        server,
                        s -> s.clientPort() == null ? 0 : s.clientPort().stats().readPauses())
                .description("Times a connection stopped reading because it reached"
                        + " max-outstanding-requests-per-connection")
                .register(registry);

        FunctionTimer.builder(
                        "coordinator.fsync",
                        server,
                        s -> s.commitLog() == null ? 0 : s.commitLog().fsyncCount(),
                        s -> s.commitLog() == null
                                ? 0
                                : (double) s.commitLog().avgFsyncMicros()
                                        * s.commitLog().fsyncCount(),
                        TimeUnit.MICROSECONDS)
                .description("Transaction log fsyncs (group commit)")
                .register(registry);
        Gauge.builder(
                        "coordinator.fsync.last",
                        server,
                        s -> s.commitLog() == null ? 0 : s.commitLog().lastFsyncMicros() / 1e6)
                .description("Duration of the last fsync")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder(
                        "coordinator.log.queue.depth",
                        server,
                        s -> s.commitLog() == null ? 0 : s.commitLog().queueDepth())
                .description("Txns waiting for the next group commit")
                .register(registry);
        FunctionCounter.builder(
                        "coordinator.log.records",
                        server,
                        s -> s.commitLog() == null ? 0 : s.commitLog().recordsWritten())
                .description("Txns written to the log (throughput of writes)")
                .register(registry);

        electionTimer = Timer.builder("coordinator.election")
                .description("Leader elections: time spent looking")
                .publishPercentileHistogram()
                .register(registry);
        proposalCommitTimer = Timer.builder("coordinator.proposal.commit")
                .description("Leader: time from proposing a txn to applying its commit (quorum ack included)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        elections = Counter.builder("coordinator.elections")
                .description("Leader elections finished")
                .register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<ServerView> f) {
        Gauge.builder(name, server, s -> s.view() == null ? 0 : f.applyAsDouble(s.view()))
                .description(description)
                .register(registry);
    }

    private static double port(ServerHandle s, boolean received) {
        ClientPortServer p = s.clientPort();
        if (p == null) {
            return 0;
        }
        return received ? p.stats().packetsReceived() : p.stats().packetsSent();
    }

    private static double maxLag(ServerHandle s) {
        EnsembleDriver d = s.ensemble();
        if (d == null) {
            return 0;
        }
        return d.peers().values().stream().mapToLong(p -> p.lag()).max().orElse(0);
    }

    /** Called for every answered client request. */
    void requestCompleted(String op, long nanos) {
        requestTimers
                .computeIfAbsent(
                        op,
                        o -> Timer.builder("coordinator.requests")
                                .description("Client requests answered, by operation")
                                .tag("op", opName(o))
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofNanos(50_000))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void roleChanged(Role from, Role to) {
        long now = System.nanoTime();
        if (to == Role.LOOKING) {
            lookingSinceNanos = now;
        } else if (from == Role.LOOKING && lookingSinceNanos >= 0) {
            electionTimer.record(now - lookingSinceNanos, TimeUnit.NANOSECONDS);
            zooKeeperNames.electionFinished(TimeUnit.NANOSECONDS.toMillis(now - lookingSinceNanos));
            elections.increment();
            lookingSinceNanos = -1;
        }
    }

    static String opName(String fourLetters) {
        return switch (fourLetters) {
            case "PING" -> "ping";
            case "MULT" -> "multi";
            case "MLTR" -> "multiRead";
            case "CREA" -> "create";
            case "DELE" -> "delete";
            case "SETD" -> "setData";
            case "RECO" -> "reconfig";
            case "SETA" -> "setACL";
            case "CLOS" -> "closeSession";
            case "SYNC" -> "sync";
            case "CHEC" -> "check";
            case "EXIS" -> "exists";
            case "GETD" -> "getData";
            case "SETW", "STW2" -> "setWatches";
            case "ADDW" -> "addWatch";
            case "GETC" -> "getChildren";
            case "GTC2" -> "getChildren2";
            case "GETA" -> "getACL";
            case "SASL" -> "sasl";
            case "SESS" -> "createSession";
            default -> fourLetters.toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public void start() {
        requests.attach();
        EnsembleDriver driver = server.ensemble();
        if (driver != null) {
            if (driver.role() == Role.LOOKING) {
                lookingSinceNanos = System.nanoTime();
            }
            driver.onRoleChange(this::roleChanged);
            driver.onProposalCommitted(nanos -> proposalCommitTimer.record(nanos, TimeUnit.NANOSECONDS));
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 999; // just after CoordinatorServer (MAX_VALUE - 1000)
    }
}
