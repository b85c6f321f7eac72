package io.coordinator.server.app;

import io.coordinator.server.cluster.CommittedConfigFile;
import io.coordinator.server.cluster.EnsembleDriver;
import io.coordinator.server.cluster.PeerNetwork;
import io.coordinator.server.net.ClientPortConfig;
import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.net.DataDirSizes;
import io.coordinator.server.net.ServerStats;
import io.coordinator.server.net.ServerVersion;
import io.coordinator.server.ops.AuditLog;
import io.coordinator.server.ops.LeaderMonitorValues;
import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.request.PipelineConfig;
import io.coordinator.server.request.ReconfigGate;
import io.coordinator.server.request.RequestPipeline;
import io.coordinator.server.request.SaslAuthenticator;
import io.coordinator.server.request.StateMachine;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.request.TxnSink;
import io.coordinator.server.session.SessionIds;
import io.coordinator.server.session.SessionPasswords;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.storage.ControlFileStorageFaults;
import io.coordinator.server.storage.DataDirectory;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.storage.LogOptions;
import io.coordinator.server.storage.RecoveryResult;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.StorageFaults;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.storage.WritableCheck;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.Zxids;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * A server's parts, started in dependency order: the data directory and recovery, the log, the request
 * pipeline, the ensemble driver (when there is an ensemble), then the client port; stopped in reverse. Recovery runs before the client port
 * opens, so clients never see a partly rebuilt tree.
 */
public class CoordinatorServer implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorServer.class);
    /** How often a server stopped by a storage failure checks whether its data directory can be written again. */
    static final long RESUME_CHECK_MILLIS = 2_000;

    private final CoordinatorProperties props;
    private final AtomicBoolean running = new AtomicBoolean();
    // Volatile: with an early start (EarlyStart) they are set on the start thread and read by others.
    private volatile DataDirectory dataDirectory;
    private volatile TxnLog txnLog;
    private volatile SnapshotStore snapshots;
    private volatile GroupCommitLog groupCommit;
    private volatile RequestPipeline pipeline;
    private volatile EnsembleDriver ensembleDriver;
    private volatile ClientPortServer clientPort;
    private volatile ExecutorService snapshotThread;
    /** Set by {@link #startEarly}: completes true once started early, false when it did not start. */
    private volatile CompletableFuture<Boolean> early;
    /** True after stop() until the next start: stopping again (lifecycle stop, then destroy) does nothing. */
    private volatile boolean stopped;

    private final AtomicBoolean snapshotRunning = new AtomicBoolean();
    private volatile Throwable storageFailure;
    /** After a storage failure: checks the data directory and starts the server again once it can be written. */
    private ScheduledExecutorService resumer;
    /** Set by the lifecycle's stop: nothing starts again after it. */
    private volatile boolean closed;
    /** The client port bound first, kept across a resume (a configured port 0 would pick another). */
    private volatile int boundClientPort = -1;

    private StorageFaults faults = StorageFaults.NONE;

    private final CoordinatorTls tls;
    private final AuditLog auditLog;

    public CoordinatorServer(CoordinatorProperties props) {
        this(props, CoordinatorTls.NONE);
    }

    public CoordinatorServer(CoordinatorProperties props, CoordinatorTls tls) {
        this.props = props;
        this.tls = tls;
        this.auditLog = new AuditLog(props.audit().rest());
    }

    /** The audit log of this server: wire writes (when enabled) and the REST layer's changes. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /**
     * Starts the server now on a background thread, ahead of the lifecycle (see {@link EarlyStart}), when
     * {@code precondition} (run on that thread first) holds; {@link #start()} then waits for it and reports
     * its failure. Without a started early start, {@link #start()} starts the server itself.
     */
    void startEarly(Supplier<Boolean> precondition) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        early = f;
        Thread t = new Thread(
                () -> {
                    try {
                        if (!precondition.get()) {
                            f.complete(false);
                            return;
                        }
                        startServer();
                        f.complete(true);
                    } catch (Throwable e) {
                        // Said now: the context may take long to reach start(), which fails the application with it.
                        log.error("Coordinator could not start: {}", e.toString());
                        f.completeExceptionally(e);
                    }
                },
                "coordinator-early-start");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the early start has ended (started, declined or failed); {@link #start()} reports which. */
    void awaitEarlyStart() {
        CompletableFuture<Boolean> f = early;
        if (f != null) {
            f.handle((started, failure) -> null).join();
        }
    }

    @Override
    public void start() {
        CompletableFuture<Boolean> f = early;
        try {
            if (f == null || !awaitEarly(f)) {
                startServer();
            }
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("Coordinator could not start: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
        running.set(true);
    }

    /** Waits for the early start: true if it started the server, false if it did not try; rethrows its failure. */
    private static boolean awaitEarly(CompletableFuture<Boolean> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof RuntimeException re) {
                throw re;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void startServer() throws IOException {
        stopped = false;
        boolean ensemble = !props.isStandalone();
        Path dir = Path.of(props.dataDir()).toAbsolutePath().normalize();
        if (!PlantedBug.name().isEmpty()) {
            log.warn(
                    "Planted bug '{}' is live (a test harness asked for it): this server is broken on purpose",
                    PlantedBug.name());
        }
        StorageFaults faults = storageFaults();
        this.faults = faults;
        dataDirectory = DataDirectory.open(dir, faults);
        txnLog = dataDirectory.openLog(LogOptions.defaults().withFaults(faults));
        snapshots = dataDirectory.openSnapshots(faults);
        String zkLogDir = blankToNull(props.zookeeperDataLogDir());
        ZooKeeperTakeOver.run(
                dir,
                zkLogDir == null ? null : Path.of(zkLogDir).toAbsolutePath().normalize(),
                ensemble ? new EpochStore(dir, faults) : null,
                snapshots,
                txnLog);

        SessionTracker sessions = new SessionTracker(props.tickTime());
        // Standalone: everything in the log was acknowledged, so replay it all. In an ensemble the log may end
        // with proposals that never committed: start from the snapshot and let ZAB apply what is committed.
        StateSnapshots.RecoveredState recoveredState = StateSnapshots.recover(snapshots, txnLog, sessions, !ensemble);
        RecoveryResult<StateSnapshots.Recovered> recovered = recoveredState.result();
        StateMachine machine = recoveredState.machine();
        if (ensemble) {
            machine.tree().setLastProcessedZxid(recovered.snapshotZxid()); // a fuzzy snapshot may show more
        } else if (recovered.snapshot().isPresent() && recovered.replayed() == 0) {
            machine.tree().setLastProcessedZxid(Math.max(machine.tree().lastProcessedZxid(), recovered.lastZxid()));
        }
        log.info(
                "Recovered {} znodes and {} sessions at zxid 0x{} from {}",
                machine.tree().nodeCount(),
                sessions.size(),
                Long.toHexString(machine.tree().lastProcessedZxid()),
                dir);

        groupCommit = new GroupCommitLog(txnLog, this::onStorageFailure);
        snapshotThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "coordinator-snapshot");
            t.setDaemon(true);
            return t;
        });

        SaslAuthenticator sasl = props.sasl().enabled() ? saslAuthenticator() : null;
        PipelineConfig config = new PipelineConfig(
                props.tickTime(),
                props.effectiveMinSessionTimeout(),
                props.effectiveMaxSessionTimeout(),
                props.ttlNodesEnabled(),
                props.enforceQuota(),
                blankToNull(props.superDigest()),
                props.containerCheckInterval().toMillis(),
                props.maxContainerDeletesPerMinute(),
                props.snapshotEveryTxns(),
                extraAuthSchemes(),
                props.secureClientPort() > 0 ? blankToNull(props.ssl().superUser()) : null);
        EnsembleDriver[] driver = new EnsembleDriver[1];
        TxnSink sink = ensemble ? (record, onDurable) -> driver[0].propose(record) : groupCommit::submit;
        pipeline = new RequestPipeline(
                config,
                machine,
                new SessionIds(props.serverId(), System.currentTimeMillis()),
                sessionPasswords(dir),
                sink,
                (zxid, sessionTable) -> snapshot(pipeline.state(), zxid, sessionTable),
                confLines(dir),
                wallClock());
        if (ensemble) {
            String configText = startConfigText(dir);
            machine.tree().setConfigData(configText.getBytes(StandardCharsets.UTF_8));
            pipeline.startInEnsemble();
            driver[0] = newDriver(dir, configText);
            ensembleDriver = driver[0];
            EnsembleDriver d = driver[0];
            pipeline.reportRoleStats(() -> LeaderMonitorValues.of(d), () -> LeaderMonitorValues.proposalSizes(d));
            ensembleDriver.start();
        } else {
            pipeline.start();
        }
        if (props.reconfigEnabled()) {
            pipeline.setReconfigGate(ensemble ? ensembleDriver : ReconfigGate.STANDALONE);
        }

        ClientPortConfig portConfig = new ClientPortConfig(
                props.clientAddress(),
                boundClientPort > 0 ? boundClientPort : props.clientPort(),
                props.maxPacketSize(),
                props.maxClientConnections(),
                props.enabledFourLetterWords(),
                ServerVersion.FULL);
        pipeline.setMaxWatchesPerSession(props.maxWatchesPerSession());
        pipeline.setSaslAuthenticator(sasl);
        if (props.audit().enabled()) {
            pipeline.setAuditSink(auditLog);
        }
        clientPort = new ClientPortServer(
                portConfig, pipeline, pipeline, new ServerStats(), props.maxOutstandingRequestsPerConnection());
        if (tls.clientPort() != null) {
            clientPort.withSecurePort(props.secureClientPort(), tls.clientPort());
        }
        clientPort.withDataDirs(new DataDirSizes(dataDirectory.snapshotDir(), dataDirectory.logDir()));
        clientPort.start();
        boundClientPort = clientPort.port();
        log.info(
                "Coordinator {} on {}:{}{} (data in {})",
                ensemble ? "server " + props.serverId() + " listening" : "serving ZooKeeper clients",
                props.clientAddress(),
                clientPort.port(),
                clientPort.securePort() < 0 ? "" : " and TLS port " + clientPort.securePort(),
                dir);
    }

    /**
     * ACL schemes beyond ip and digest: x509 with a secure client port (ZooKeeper enables its
     * X509AuthenticationProvider there), sasl when SASL logins are on (its SASLAuthenticationProvider).
     */
    private Set<String> extraAuthSchemes() {
        Set<String> schemes = new HashSet<>();
        if (props.secureClientPort() > 0) {
            schemes.add("x509");
        }
        if (props.sasl().enabled()) {
            schemes.add("sasl");
        }
        return schemes;
    }

    /**
     * The login of the JAAS Server section: DIGEST-MD5 for its users, or Kerberos as its service principal; a
     * missing file or section, no user or a failed Kerberos login stops the start.
     */
    private SaslAuthenticator saslAuthenticator() {
        CoordinatorProperties.Sasl sasl = props.sasl();
        SaslAuthenticator authenticator = JaasServerSection.authenticator(
                sasl.jaasConfig(),
                sasl.serverSection(),
                sasl.removeHostFromPrincipal(),
                sasl.removeRealmFromPrincipal());
        log.info("SASL {} logins on, as the JAAS Server section sets them", authenticator.mechanism());
        return authenticator;
    }

    /** None in production; a control-file driven hook only when a test harness asks for one. */
    private StorageFaults storageFaults() {
        String file = props.testing().storageFaultsFile();
        if (file == null || file.isBlank()) {
            return StorageFaults.NONE;
        }
        log.warn("Storage fault injection is ON, controlled by {}: for testing only", file);
        return new ControlFileStorageFaults(Path.of(file));
    }

    /** The real wall clock in production; one shifted by a control file only when a test harness asks for it. */
    private LongSupplier wallClock() {
        String file = props.testing().clockOffsetFile();
        if (file == null || file.isBlank()) {
            return System::currentTimeMillis;
        }
        log.warn("Wall-clock offset injection is ON, controlled by {}: for testing only", file);
        return new ControlFileWallClock(Path.of(file));
    }

    /**
     * The membership to start from: the last committed reconfig kept in the data dir when there is one (it is
     * newer than any command line: version 0), else the command line's.
     */
    private String startConfigText(Path dir) throws IOException {
        CommittedConfigFile committed = new CommittedConfigFile(dir);
        Optional<String> stored = committed.load();
        if (stored.isPresent() && committed.version(stored.get()) > 0) {
            log.info(
                    "Starting from the committed configuration in {} (version {}), not the command line's",
                    committed.path(),
                    Long.toHexString(committed.version(stored.get())));
            return stored.get();
        }
        return ensembleConfigText();
    }

    /** The members named by a config text's server.N lines; errors name the file and line. */
    private static List<EnsembleMember> membersOf(String configText, Path dir) {
        List<EnsembleMember> members = new ArrayList<>();
        String[] lines = configText.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            int eq = line.indexOf('=');
            if (line.startsWith("server.") && eq > 0) {
                try {
                    if (line.contains("=unknown:0:0:")) {
                        // a member whose address this server had not learned yet when it kept the config
                        members.add(new EnsembleMember(
                                Integer.parseInt(
                                        line.substring("server.".length(), eq).trim()),
                                "unknown",
                                0,
                                0,
                                line.endsWith(":observer"),
                                null,
                                -1));
                        continue;
                    }
                    members.add(EnsembleMember.parse(
                            Integer.parseInt(
                                    line.substring("server.".length(), eq).trim()),
                            line.substring(eq + 1)));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(
                            dir.resolve(CommittedConfigFile.NAME) + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return members;
    }

    private EnsembleDriver newDriver(Path dir, String configText) throws IOException {
        EnsembleMember me = props.ensembleMembers().stream()
                .filter(m -> m.id() == props.serverId())
                .findFirst()
                .orElseThrow();
        CommittedConfigFile committed = new CommittedConfigFile(dir);
        long version = committed.version(configText);
        List<EnsembleMember> members = membersOf(configText, dir);
        Map<Integer, InetSocketAddress> quorumPeers = new HashMap<>();
        Map<Integer, InetSocketAddress> electionPeers = new HashMap<>();
        List<Peer> peers = new ArrayList<>();
        for (EnsembleMember m : members) {
            peers.add(new Peer(m.id(), m.observer()));
            if (m.id() != me.id() && m.quorumPort() > 0) {
                quorumPeers.put(m.id(), new InetSocketAddress(m.host(), m.quorumPort()));
                electionPeers.put(m.id(), new InetSocketAddress(m.host(), m.electionPort()));
            }
        }
        int scale = EnsembleDriver.CORE_TICKS_PER_TICK;
        // A committed config may no longer name this server (a reconfig removed it): it then stays out.
        ZabConfig zab = version > 0
                ? new ZabConfig(me.id(), peers, props.initLimit() * scale, props.syncLimit() * scale, version)
                : new ZabConfig(me.id(), peers, props.initLimit() * scale, props.syncLimit() * scale);
        return new EnsembleDriver(
                new EnsembleDriver.Config(
                        zab,
                        props.tickTime(),
                        props.maxPacketSize() + (1 << 20),
                        props.readOnlyModeEnabled(),
                        configText,
                        committed),
                new EnsembleDriver.Storage(groupCommit, txnLog, snapshots, new EpochStore(dir, faults)),
                PeerNetwork.tcp(
                        me.id(),
                        listenAddress(me.host(), me.quorumPort()),
                        quorumPeers,
                        listenAddress(me.host(), me.electionPort()),
                        electionPeers,
                        tls.quorum()),
                pipeline,
                this::onStorageFailure);
    }

    /** This member's quorum/election listener: its ensemble address, or every interface (quorumListenOnAllIPs). */
    private InetSocketAddress listenAddress(String host, int port) {
        return props.quorumListenOnAllIps() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** /zookeeper/config as ZooKeeper writes a static ensemble (QuorumMaj.toString). */
    private String ensembleConfigText() {
        StringBuilder sb = new StringBuilder();
        // By id, as ZooKeeper writes it: members whose files list the servers in other orders agree.
        props.ensembleMembers().stream()
                .sorted(Comparator.comparingInt(EnsembleMember::id))
                .forEach(m -> sb.append(m.configLine()).append('\n'));
        return sb.append("version=0").toString();
    }

    private void snapshot(StateMachine state, long zxid, Map<Long, Integer> sessionTable) {
        DataTree tree = state.tree();
        byte[] secret = state.sessionSecret(); // set once, never changed: whatever is seen now is the final one
        if (!snapshotRunning.compareAndSet(false, true)) {
            return; // one at a time; the next trigger comes soon enough
        }
        snapshotThread.execute(() -> {
            try {
                long start = System.nanoTime();
                snapshots.write(zxid, out -> StateSnapshots.write(out, sessionTable, secret, tree));
                OptionalLong oldestKept = snapshots.retain(props.snapshotRetainCount());
                if (oldestKept.isPresent()) {
                    txnLog.purgeBefore(oldestKept.getAsLong());
                }
                log.info(
                        "Snapshot at zxid 0x{} written in {} ms",
                        Long.toHexString(zxid),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (IOException | RuntimeException e) {
                log.error("Snapshot at zxid 0x{} failed; the log still holds everything", Long.toHexString(zxid), e);
            } finally {
                snapshotRunning.set(false);
            }
        });
    }

    private void onStorageFailure(Throwable failure) {
        storageFailure = failure;
        log.error(
                "The transaction log failed; nothing more can be made durable, so this server stops serving until"
                        + " its data directory can be written again",
                failure);
        Thread stopper = new Thread(
                () -> {
                    stopServer();
                    scheduleResume();
                },
                "coordinator-storage-failure");
        stopper.start();
    }

    /**
     * Checks every {@link #RESUME_CHECK_MILLIS} whether the data directory can be written again (space for the
     * log's next preallocation step, and a probe file written and fsynced); then starts the server from its data
     * as a restart would: standalone it serves every acknowledged write again, an ensemble member rejoins.
     */
    private synchronized void scheduleResume() {
        if (closed || (resumer != null && !resumer.isShutdown())) {
            return;
        }
        ScheduledExecutorService r = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread thread = new Thread(t, "coordinator-storage-resume");
            thread.setDaemon(true);
            return thread;
        });
        resumer = r;
        String[] lastProblem = {null};
        r.scheduleWithFixedDelay(
                () -> tryResume(r, lastProblem), RESUME_CHECK_MILLIS, RESUME_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tryResume(ScheduledExecutorService r, String[] lastProblem) {
        Path dir = Path.of(props.dataDir()).toAbsolutePath().normalize();
        String problem = WritableCheck.problem(dir, LogOptions.defaults().preallocateBytes(), faults);
        if (problem != null) {
            if (!problem.equals(lastProblem[0])) {
                log.warn(
                        "Data directory {} still cannot be written ({}); checking again every {} ms",
                        dir,
                        problem,
                        RESUME_CHECK_MILLIS);
            }
            lastProblem[0] = problem;
            return;
        }
        synchronized (this) {
            if (closed || storageFailure == null) {
                r.shutdown();
                return;
            }
            Throwable failure = storageFailure;
            log.info("Data directory {} can be written again: starting from its data", dir);
            try {
                storageFailure = null;
                startServer();
                log.info("Serving again after the storage failure ({})", failure.getMessage());
                r.shutdown();
            } catch (IOException | RuntimeException e) {
                storageFailure = e;
                lastProblem[0] = null;
                log.warn("Could not start again after the storage failure; checking again", e);
                stopServer();
            }
        }
    }

    /**
     * ZooKeeper 3.9's online restore ({@code POST /commands/restore}) on a standalone server: the backup is verified
     * whole first (a bad one changes nothing); then the server stops serving (its clients are disconnected), its
     * state is moved into a {@code before-restore-<time>} folder of the data directory, the backup becomes the
     * directory's state and the server starts from it, on the same client port. The restored state continues in the
     * epoch after both the backup's and this server's, so clients' last zxids stay below it and they reconnect;
     * sessions the backup holds resume, others are expired. An ensemble member refuses: restoring members one by
     * one while their quorum runs would have the leader sync them back, so the ensemble is restored offline.
     *
     * @param source what the backup is (a file name, the HTTP client), for messages and the restore marker
     * @return the zxid the server continues from
     * @throws IOException when the backup is damaged (nothing changed) or cannot be written (the old state is back)
     * @throws IllegalStateException when this server cannot be restored online, saying why
     */
    public synchronized long restore(byte[] backup, String source) throws IOException {
        if (!props.isStandalone()) {
            throw new IllegalStateException("an ensemble member is restored offline: stop the members, run"
                    + " `java -jar coordinator-server.jar restore <backup> <data dir>` for a majority of the voters,"
                    + " start them (README, \"Online backup and restore\")");
        }
        if (closed || !isServing()) {
            throw new IllegalStateException("the server is not serving: restore into a running server only");
        }
        RestoreBackup.Verified verified = RestoreBackup.verify(new ByteArrayInputStream(backup), source);
        long current = Math.max(pipeline.lastProcessedZxid(), txnLog.lastZxid());
        Path dir = Path.of(props.dataDir()).toAbsolutePath().normalize();
        log.warn(
                "Restoring the backup at zxid 0x{} from {}: clients are disconnected, and this server's state"
                        + " (up to zxid 0x{}) is moved aside",
                Long.toHexString(verified.zxid()),
                source,
                Long.toHexString(current));
        stopServer();
        Path aside = null;
        long zxid;
        try {
            aside = RestoreBackup.moveStateAside( // all or nothing
                    dir, DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").format(LocalDateTime.now()));
            zxid = RestoreBackup.writeInto(dir, verified, Zxids.epochOf(current), source);
        } catch (IOException | RuntimeException e) {
            log.error("Not restored; serving the state it was to replace again", e);
            if (aside != null) {
                RestoreBackup.moveStateBack(aside, dir); // if this fails, the server stays stopped: never half a state
            }
            startServer();
            throw e;
        }
        startServer();
        log.info(
                "Restored: serving the backup's state at zxid 0x{}; the state before it is in {}",
                Long.toHexString(zxid),
                aside);
        return zxid;
    }

    /**
     * The configured secret; else, standalone, one kept in the data directory; else null: an ensemble's first
     * leader replicates a random one (the same on every member whatever their configuration files say).
     */
    private SessionPasswords sessionPasswords(Path dir) throws IOException {
        if (props.sessionSecret() != null) {
            return new SessionPasswords(props.sessionSecret().getBytes(StandardCharsets.UTF_8));
        }
        return props.isStandalone() ? new SessionPasswords(standaloneSecret(dir)) : null;
    }

    private byte[] standaloneSecret(Path dir) throws IOException {
        Path file = dir.resolve("session.secret");
        if (Files.exists(file)) {
            byte[] secret = Files.readAllBytes(file);
            if (secret.length >= 16) {
                return secret;
            }
            throw new IOException(file + " holds fewer than 16 bytes; delete it to have a new one made");
        }
        byte[] secret = SessionPasswords.newSecret();
        Path tmp = dir.resolve("session.secret.tmp");
        try (var ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(secret));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    private Map<String, String> confLines(Path dir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("clientPort", String.valueOf(props.clientPort()));
        conf.put("secureClientPort", String.valueOf(props.secureClientPort() > 0 ? props.secureClientPort() : -1));
        conf.put("dataDir", dir.toString());
        conf.put("dataDirSize", "0");
        conf.put("dataLogDir", dir.resolve(DataDirectory.LOG_DIR).toString());
        conf.put("dataLogSize", "0");
        conf.put("tickTime", String.valueOf(props.tickTime()));
        conf.put("maxClientCnxns", String.valueOf(props.maxClientConnections()));
        conf.put("minSessionTimeout", String.valueOf(props.effectiveMinSessionTimeout()));
        conf.put("maxSessionTimeout", String.valueOf(props.effectiveMaxSessionTimeout()));
        conf.put("clientPortListenBacklog", "-1");
        conf.put("serverId", "0");
        return conf;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** True once recovery finished and the client port is open (and the log has not failed). */
    public boolean isServing() {
        return running.get() && storageFailure == null && pipeline != null && pipeline.isServing();
    }

    /** Why the server stopped serving: the log's write or fsync failure (full or read-only disk, EIO); else null. */
    public Throwable storageFailure() {
        return storageFailure;
    }

    public RequestPipeline pipeline() {
        return pipeline;
    }

    /** For the operations views (metrics, cluster status); null before start or when not in an ensemble. */
    public EnsembleDriver ensembleDriver() {
        return ensembleDriver;
    }

    public GroupCommitLog groupCommitLog() {
        return groupCommit;
    }

    public ClientPortServer clientPortServer() {
        return clientPort;
    }

    public int clientPort() {
        return clientPort == null ? -1 : clientPort.port();
    }

    /** The lifecycle's stop: the server stops for good (no resume after a storage failure). */
    @Override
    public void stop() {
        closed = true;
        ScheduledExecutorService r;
        synchronized (this) {
            r = resumer;
        }
        if (r != null) {
            r.shutdown(); // a resume under way finishes first; stopServer then waits for it and closes what it opened
        }
        stopServer();
        running.set(false);
    }

    private synchronized void stopServer() {
        CompletableFuture<Boolean> f = early;
        if (f != null) {
            try {
                f.join(); // never close what an early start is still opening
            } catch (RuntimeException e) {
                // it failed: close what it opened
            }
        }
        if (stopped) {
            return;
        }
        stopped = true;
        if (clientPort != null) {
            clientPort.stop();
        }
        if (ensembleDriver != null) {
            ensembleDriver.stop();
        }
        if (pipeline != null) {
            pipeline.stop();
        }
        closeQuietly(groupCommit);
        if (snapshotThread != null) {
            snapshotThread.shutdown();
            try {
                snapshotThread.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(txnLog);
        closeQuietly(dataDirectory);
    }

    /** The context is destroyed (also when its refresh failed after an early start): stop. */
    @Override
    public void destroy() {
        stop();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Error while closing {}", c, e);
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        // Late start, early stop: after the web server is up, before it stops.
        return Integer.MAX_VALUE - 1000;
    }
}
