package io.coordinator.server.request;

import io.coordinator.server.planted.PlantedBug;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.session.Session;
import io.coordinator.server.session.SessionIds;
import io.coordinator.server.session.SessionPasswords;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.Acls;
import io.coordinator.server.tree.ApplyResult;
import io.coordinator.server.tree.DataTree;
import io.coordinator.server.tree.Watcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.security.sasl.SaslException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline of every server: a standalone server or an ensemble's leader prepares a write into a
 * txn and hands it to the {@link TxnSink} (the log, or ZAB), a learner forwards it to the leader ({@link
 * LeaderLink}); each applies committed txns in zxid order and replies. Reads run
 * against the local tree when they reach the head of their connection's queue, so every connection gets
 * its replies in request order and a read sees its own session's earlier writes.
 *
 * <p>All state lives on one thread, the pipeline thread: it never blocks (fsync happens on the log's own
 * thread), so pings are answered at once even while writes wait for the disk.
 */
public final class RequestPipeline implements RequestSink, ServerView {
    private static final Logger log = LoggerFactory.getLogger(RequestPipeline.class);

    private final PipelineConfig config;
    private StateMachine state;
    private DataTree tree;
    private SessionTracker sessions;
    private PendingChanges pendingChanges;
    private TxnPreparer preparer;
    private ReadExecutor reads;
    private final SessionIds sessionIds;
    /** The configured (or standalone) password secret; null: the ensemble's replicated one (state's). */
    private final SessionPasswords fixedPasswords;

    private SessionPasswords replicatedPasswords;
    /** For sessions opened read-only before any secret was replicated (they never leave this server); made on first use. */
    private SessionPasswords localPasswords;

    private final TxnSink txnSink;
    private final Snapshotter snapshotter;
    private final Map<String, String> configuration;
    private final ScheduledExecutorService thread;

    private final Map<ClientConnection, ConnectionState> connections = new HashMap<>();
    private final Map<Long, ConnectionState> bySession = new HashMap<>();
    /** Connections whose new session is not durable yet: their requests wait here, in arrival order. */
    private final Map<ClientConnection, List<Runnable>> connecting = new HashMap<>();

    private final Map<Long, NewSession> sessionsBeingCreated = new HashMap<>();
    private final Set<ClientConnection> dirty = new LinkedHashSet<>();
    private final ConnectionState.DirtyConnections dirtyMarker = this::markDirty;
    private boolean flushScheduled;
    private long lastPreparedZxid;
    private long tick;
    private long txnsSinceSnapshot;

    private volatile Mode mode = Mode.NOT_SERVING;
    private volatile String modeName = "standalone";
    private LeaderLink leaderLink;
    private final Set<Long> touchedSinceTick = new HashSet<>();
    /** Sessions opened while read-only: local to this server, which expires them (as ZooKeeper's local ones). */
    private SessionTracker readOnlySessions;

    private final TreeMap<Long, List<Runnable>> syncsWaiting = new TreeMap<>();

    /** The epoch of the leadership this server serves under (ensemble only); tags every write sent onward. */
    private long epoch;
    /** Leader: the last zxid of the history its epoch started from. */
    private long historyEnd;
    /** Some connections are held (see holdClients) and are checked against their read timeout each tick. */
    private boolean holdsClients;
    /** Held connections wait for this barrier (a learner's sync with its new leader); 0: none outstanding. */
    private int resumeBarrier;

    private int barriersSent;

    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile int maxWatchesPerSession;
    private volatile AuditSink audit;
    private final AtomicLong watchLimitRejections = new AtomicLong();
    private final AtomicLong authFailures = new AtomicLong();
    /** SASL logins (opcode 102), or null: refused with AUTHFAILED. */
    private volatile SaslAuthenticator sasl;
    /** Pipeline thread only; null while reconfigEnabled is false. */
    private ReconfigGate reconfigGate;

    private volatile boolean serving;
    private final LongSupplier wallClock;
    private volatile int sessionCount;

    public RequestPipeline(
            PipelineConfig config,
            StateMachine state,
            SessionIds sessionIds,
            SessionPasswords passwords,
            TxnSink txnSink,
            Snapshotter snapshotter,
            Map<String, String> configuration) {
        this(config, state, sessionIds, passwords, txnSink, snapshotter, configuration, System::currentTimeMillis);
    }

    /**
     * @param passwords the secret session passwords derive from, or null in an ensemble without a configured
     *                  one: the first leader then replicates a random secret (a SessionSecret txn)
     * @param wallClock the wall clock (ms) for txn times (ctime/mtime) and TTL-node expiry:
     *                  {@code System::currentTimeMillis} in production, shifted only by a fault-injection test
     */
    public RequestPipeline(
            PipelineConfig config,
            StateMachine state,
            SessionIds sessionIds,
            SessionPasswords passwords,
            TxnSink txnSink,
            Snapshotter snapshotter,
            Map<String, String> configuration,
            LongSupplier wallClock) {
        this.config = config;
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        useState(state);
        this.sessionIds = sessionIds;
        this.fixedPasswords = passwords;
        this.txnSink = txnSink;
        this.snapshotter = snapshotter;
        this.configuration = Map.copyOf(configuration);
        this.lastPreparedZxid = tree.lastProcessedZxid();
        this.readOnlySessions = new SessionTracker(config.tickTimeMs());
        for (Session s : sessions.all()) {
            sessionIds.observe(s.id());
        }
        this.sessionCount = sessions.size();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coordinator-pipeline");
            t.setDaemon(true);
            return t;
        });
    }

    private void useState(StateMachine machine) {
        this.state = machine;
        this.tree = machine.tree();
        this.sessions = machine.sessions();
        this.pendingChanges = new PendingChanges(tree);
        this.preparer = new TxnPreparer(
                tree, pendingChanges, config.ttlNodesEnabled(), config.enforceQuota(), config.extraAuthSchemes());
        preparer.setReconfigGate(reconfigGate);
        this.reads = new ReadExecutor(tree);
    }

    /** Starts a standalone server: it decides txns itself and serves at once. */
    public void start() {
        startTimers();
        mode = Mode.STANDALONE;
        serving = true;
    }

    /** Starts an ensemble member: it serves only once replication says so (serveAsLeader / serveAsLearner). */
    public void startInEnsemble() {
        mode = Mode.NOT_SERVING;
        startTimers();
    }

    private void startTimers() {
        thread.scheduleAtFixedRate(
                () -> guarded(this::tick), config.tickTimeMs(), config.tickTimeMs(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(
                () -> guarded(this::reapContainersAndTtlNodes),
                config.containerCheckIntervalMs(),
                config.containerCheckIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Runs a task on the pipeline thread (the replication driver lives there too). */
    public void submit(Runnable task) {
        execute(task);
    }

    // ---------------------------------------------------------------- ensemble roles (pipeline thread)

    /** What this server does for its clients. */
    public enum Mode {
        STANDALONE,
        LEADER,
        LEARNER,
        READ_ONLY,
        /** Lost the leader: clients keep their connections (pings answered, requests held) until one is back. */
        HOLDING,
        NOT_SERVING
    }

    /**
     * Serve as the leader of {@code epoch}: decide txns here. {@code historyEnd} is the last zxid of this
     * server's log, the history the epoch starts from. Every session gets a fresh timeout, since the old leader's
     * view of their liveness is gone.
     */
    public void serveAsLeader(long historyEnd, long epoch) {
        boolean resuming = mode == Mode.HOLDING;
        if (!resuming) {
            resetClientState();
        }
        resetPrepared();
        this.epoch = epoch;
        this.historyEnd = historyEnd;
        long lastZxid = Math.max(historyEnd, epoch << 32); // the epoch's first proposal is (epoch, 1)
        lastPreparedZxid = lastZxid;
        for (Session s : List.copyOf(sessions.all())) {
            sessions.touch(s.id());
        }
        leaderLink = null;
        mode = Mode.LEADER;
        modeName = "leader";
        serving = true;
        log.info("Serving clients as leader, next zxid after 0x{}", Long.toHexString(lastZxid));
        if (fixedPasswords == null && state.sessionSecret() == null) {
            // Before any session of this epoch: every createSession is ordered after it, everywhere.
            TxnRecord record = newRecord(0, 0, new Txn.SessionSecret(SessionPasswords.newSecret()));
            txnSink.append(record, () -> execute(() -> applyCommitted(record)));
            log.info("Replicating a new random session-password secret for the ensemble");
        }
        if (resuming) {
            // This leader's own log is the new epoch's history: once it is applied, what is still unanswered
            // was never committed and never will be.
            whenApplied(historyEnd, this::releaseHeld);
        }
    }

    /** Serve as a follower or observer of {@code epoch}: writes go to the leader through {@code link}. */
    public void serveAsLearner(LeaderLink link, boolean observer, long epoch) {
        boolean resuming = mode == Mode.HOLDING;
        if (!resuming) {
            resetClientState();
        }
        resetPrepared();
        this.epoch = epoch;
        leaderLink = link;
        mode = Mode.LEARNER;
        modeName = observer ? "observer" : "follower";
        serving = true;
        log.info("Serving clients as {}", modeName);
        if (resuming) {
            // The new leader's answer to a sync covers its whole history: once that is applied here, every held
            // write either got its txn (and its reply) or is known never to commit.
            resumeBarrier = ++barriersSent;
            link.sync(0, resumeBarrier);
            List<Long> held = new ArrayList<>();
            for (ConnectionState st : connections.values()) {
                held.add(st.sessionId);
            }
            if (!held.isEmpty()) {
                link.touch(held);
            }
        }
    }

    /**
     * Lost the leader (an election or a resync begins): clients keep their connections. Pings are answered;
     * every other request waits, and so do writes already sent to the old leader, until this server serves
     * again ({@link #serveAsLeader}/{@link #serveAsLearner}). A connection still waiting after its session's
     * read timeout (two thirds of it, as a client's) is closed, so its client moves on in time to keep its
     * session. Not serving before, or read-only: the same as {@link #stopServing}.
     */
    public void holdClients(String reason) {
        if (mode == Mode.HOLDING) {
            log.info("Still holding client connections: {}", reason);
            return;
        }
        if (mode != Mode.LEADER && mode != Mode.LEARNER) {
            stopServing(reason);
            return;
        }
        log.info("Holding {} client connections: {}", connections.size() + connecting.size(), reason);
        for (ConnectionState st : connections.values()) {
            if (st.held == null) {
                st.held = new ArrayList<>();
                st.heldSinceTick = tick;
            }
        }
        holdsClients = true;
        // A sync's answer must come from the leader the client's next reads follow: asked again after the hold.
        syncsWaiting.clear();
        resumeBarrier = 0;
        leaderLink = null;
        mode = Mode.HOLDING;
        modeName = "holding";
        serving = false;
    }

    /** Out of the quorum: drop every client (they move to another server) and refuse new ones. */
    public void stopServing(String reason) {
        if (mode == Mode.NOT_SERVING) {
            return;
        }
        log.info("Not serving clients: {}", reason);
        resetClientState();
        leaderLink = null;
        mode = Mode.NOT_SERVING;
        serving = false;
    }

    /**
     * Out of the quorum with read-only mode enabled (ZooKeeper's readonlymode.enabled): clients that allow it
     * may connect and read this server's last state; every write gets NOTREADONLY. Sessions opened now are
     * local to this server and end when it rejoins a quorum (their clients then start new sessions). Global
     * sessions are refused, as ZooKeeper does: the quorum may have expired them meanwhile.
     */
    public void serveReadOnly() {
        if (mode != Mode.NOT_SERVING && mode != Mode.HOLDING) {
            return;
        }
        resetClientState();
        mode = Mode.READ_ONLY;
        modeName = "read-only";
        serving = true;
        log.info("Serving read-only clients until a quorum is back");
    }

    public Mode currentMode() {
        return mode;
    }

    /** Replaces the whole state (a snapshot from the leader); only while not serving. */
    public void replaceState(StateMachine machine) {
        if (mode != Mode.NOT_SERVING) {
            throw new IllegalStateException("state can only be replaced while not serving");
        }
        useState(machine);
        sessionCount = sessions.size();
        for (Session s : sessions.all()) {
            sessionIds.observe(s.id());
        }
    }

    public StateMachine state() {
        return state;
    }

    private void resetClientState() {
        for (ConnectionState st : List.copyOf(connections.values())) {
            detach(st.connection);
            st.connection.close();
        }
        for (ClientConnection c : List.copyOf(connecting.keySet())) {
            c.close();
        }
        connecting.clear();
        sessionsBeingCreated.clear();
        syncsWaiting.clear();
        touchedSinceTick.clear();
        readOnlySessions = new SessionTracker(config.tickTimeMs());
        readOnlySessions.advanceTo(tick);
        resumeBarrier = 0;
        holdsClients = false;
        resetPrepared();
    }

    /** Forgets changes prepared under an earlier leadership: they commit (and are applied) or never will. */
    private void resetPrepared() {
        pendingChanges = new PendingChanges(tree);
        preparer = new TxnPreparer(
                tree, pendingChanges, config.ttlNodesEnabled(), config.enforceQuota(), config.extraAuthSchemes());
        preparer.setReconfigGate(reconfigGate);
    }

    /** Runs {@code task} once {@code zxid} is applied here (at once if it is). */
    private void whenApplied(long zxid, Runnable task) {
        if (tree.lastProcessedZxid() >= zxid) {
            task.run();
        } else {
            syncsWaiting.computeIfAbsent(zxid, z -> new ArrayList<>()).add(task);
        }
    }

    /**
     * The end of a hold, on the new leadership's history: a write sent under an older epoch and still unanswered
     * never committed, and the old leader can no longer commit it, so it is sent again (or prepared here); one
     * sent under this same epoch (a resync with a leader that kept leading) may still commit, so its connection
     * is closed and its client told the outcome is unknown, as a disconnect always tells it. Then the requests
     * held meanwhile run, in order.
     */
    private void releaseHeld() {
        resumeBarrier = 0;
        holdsClients = false;
        int kept = 0;
        int closed = 0;
        for (ConnectionState st : List.copyOf(connections.values())) {
            List<Runnable> held = st.held;
            if (held == null) {
                continue;
            }
            st.held = null;
            st.closeHeldSinceTick = -1;
            boolean unknownOutcome = false;
            for (Pending p : st.queue) {
                if (p.ready()) {
                    continue;
                }
                if (p.type == OpCode.SYNC) {
                    requestSync(st, p);
                } else if (p.write) {
                    if (p.epoch == epoch) {
                        unknownOutcome = true;
                        break;
                    }
                    submitWrite(st, p);
                }
            }
            if (unknownOutcome) {
                outstanding.addAndGet(-held.size());
                detach(st.connection);
                st.connection.close();
                closed++;
                continue;
            }
            kept++;
            held.forEach(Runnable::run);
            drain(st);
        }
        for (Map.Entry<Long, NewSession> e : List.copyOf(sessionsBeingCreated.entrySet())) {
            NewSession ns = e.getValue();
            if (ns.epoch() == epoch) {
                sessionsBeingCreated.remove(e.getKey());
                connecting.remove(ns.connection());
                ns.connection().close();
                closed++;
            } else {
                sessionsBeingCreated.put(e.getKey(), ns.withEpoch(epoch));
                requestSession(e.getKey(), ns.timeout());
            }
        }
        log.info("Serving again: kept {} held connections, closed {} whose last write may still commit", kept, closed);
    }

    /**
     * Leader: a learner forwarded a client's write under {@code epoch}; prepare it as if it were ours. One sent
     * under an earlier epoch is dropped: its learner sends it again once it follows this leadership, so a late
     * copy (from a connection that broke meanwhile) must not be prepared as well.
     */
    public void forwardedRequest(long epoch, long sessionId, int cxid, int type, Requests.Body body, List<Id> authIds) {
        if (mode != Mode.LEADER || epoch != this.epoch) {
            return;
        }
        long zxid = lastPreparedZxid + 1;
        Txn txn;
        if (type == OpCode.CLOSE_SESSION) {
            sessions.markClosing(sessionId);
            txn = preparer.closeSession(sessionId, zxid);
        } else {
            sessions.touch(sessionId);
            txn = preparer.prepare(type, body, new PrepareContext(sessionId, authIds), zxid);
        }
        TxnRecord record = newRecord(sessionId, cxid, txn);
        txnSink.append(record, () -> execute(() -> applyCommitted(record)));
    }

    /** Leader: a learner's client asked for a new session under {@code epoch} (the learner chose its id). */
    public void forwardedCreateSession(long epoch, long sessionId, int timeoutMs) {
        if (mode != Mode.LEADER || epoch != this.epoch) {
            return;
        }
        TxnRecord record = newRecord(sessionId, 0, new Txn.CreateSession(sessionId, timeoutMs));
        txnSink.append(record, () -> execute(() -> applyCommitted(record)));
    }

    /** Leader: sessions a learner's clients kept alive. */
    public void touchedElsewhere(List<Long> sessionIds) {
        if (mode == Mode.LEADER) {
            for (long id : sessionIds) {
                sessions.touch(id);
            }
        }
    }

    /**
     * Leader: the zxid a learner's sync must wait for: the last proposal, or before the epoch's first one, the
     * end of the history it started from ({@code (epoch, 0)} itself names no txn, so nobody would ever apply it).
     */
    public long lastProposedZxid() {
        return lastPreparedZxid == epoch << 32 ? historyEnd : lastPreparedZxid;
    }

    /** A sync (a learner's, answered by the leader; or the leader's own): the client hears back once {@code zxid} is applied here. */
    public void syncDone(long sessionId, int cxid, long zxid) {
        if (sessionId == 0) {
            if (mode == Mode.LEARNER && cxid == resumeBarrier && resumeBarrier != 0) {
                whenApplied(zxid, this::releaseHeld);
            }
            return;
        }
        if (mode != Mode.LEARNER && mode != Mode.LEADER) {
            return; // held: asked again of the next leader
        }
        ConnectionState st = bySession.get(sessionId);
        if (st == null || st.held != null) {
            return; // a held connection asks its syncs again of the new leader
        }
        for (Pending p : st.queue) {
            if (p.type == OpCode.SYNC && p.xid == cxid && !p.ready()) {
                Runnable release = () -> {
                    String path = ((Requests.PathOnly) p.body).path();
                    p.reply = Reply.ok(out -> out.writeString(path));
                    p.zxid = tree.lastProcessedZxid();
                    if (connections.get(st.connection) == st) {
                        drain(st);
                    }
                };
                if (tree.lastProcessedZxid() >= zxid) {
                    release.run();
                } else {
                    syncsWaiting.computeIfAbsent(zxid, z -> new ArrayList<>()).add(release);
                }
                return;
            }
        }
    }

    /** Stops accepting work and waits for the pipeline thread to finish what it has. */
    public void stop() {
        serving = false;
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void execute(Runnable task) {
        try {
            thread.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // Shutting down: the connection is about to be closed anyway.
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("Unexpected failure in the request pipeline", e);
        }
    }

    // ---------------------------------------------------------------- RequestSink (any thread)

    @Override
    public void connect(ClientConnection connection, ConnectRequest request) {
        execute(() -> handleConnect(connection, request));
    }

    @Override
    public void request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode) {
        if (type != OpCode.PING) {
            outstanding.incrementAndGet();
        }
        execute(() -> handleRequest(connection, xid, type, body, errorCode));
    }

    @Override
    public void disconnected(ClientConnection connection) {
        execute(() -> detach(connection));
    }

    // ---------------------------------------------------------------- handshake

    private void handleConnect(ClientConnection conn, ConnectRequest req) {
        if (!serving) {
            conn.close();
            return;
        }
        if (req.lastZxidSeen() > tree.lastProcessedZxid()) {
            log.info(
                    "Refusing client {}: it has seen zxid 0x{}, this server only 0x{}",
                    conn.remoteSocketAddress(),
                    Long.toHexString(req.lastZxidSeen()),
                    Long.toHexString(tree.lastProcessedZxid()));
            conn.close();
            return;
        }
        int timeout = Math.max(config.minSessionTimeoutMs(), Math.min(config.maxSessionTimeoutMs(), req.timeOut()));
        if (mode == Mode.READ_ONLY) {
            connectReadOnly(conn, req, timeout);
            return;
        }
        if (req.sessionId() == 0) {
            long id = sessionIds.next();
            connecting.put(conn, new ArrayList<>());
            sessionsBeingCreated.put(id, new NewSession(conn, req, timeout, epoch));
            requestSession(id, timeout);
            return;
        }
        SessionPasswords passwords = passwords();
        if (passwords == null) {
            // No secret replicated to this member yet: it cannot tell; the client tries another server.
            log.info(
                    "Client {} asked for session 0x{} before this server has the ensemble's session secret",
                    conn.remoteSocketAddress(),
                    Long.toHexString(req.sessionId()));
            conn.close();
            return;
        }
        Session s = sessions.get(req.sessionId());
        if (s == null || s.isClosing() || !passwords.matches(req.sessionId(), req.passwd())) {
            log.info(
                    "Client {} asked for session 0x{}: expired, unknown or wrong password",
                    conn.remoteSocketAddress(),
                    Long.toHexString(req.sessionId()));
            conn.sendConnectResponse(ConnectResponse.expired(req.readOnlyPresent()));
            conn.flush();
            conn.close();
            return;
        }
        touch(s.id());
        establish(conn, req, s.id(), timeout);
    }

    private void connectReadOnly(ClientConnection conn, ConnectRequest req, int timeout) {
        if (!req.readOnly()) {
            log.info(
                    "Refusing client {}: this server is read-only and the client did not allow that",
                    conn.remoteSocketAddress());
            conn.close();
            return;
        }
        long id = req.sessionId();
        if (id != 0 && sessions.contains(id)) {
            // The quorum may have expired it (and deleted its ephemeral nodes) since this server left: resumed
            // here, its client would wrongly believe it still holds them. Closed with no answer, as ZooKeeper.
            log.info(
                    "Refusing global session reconnection in RO mode {} (session 0x{})",
                    conn.remoteSocketAddress(),
                    Long.toHexString(id));
            conn.close();
            return;
        }
        if (id != 0 && (!establishingPasswords().matches(id, req.passwd()) || !readOnlySessions.touch(id))) {
            // ZooKeeper's read-only server sets the readOnly byte even on this answer
            conn.sendConnectResponse(new ConnectResponse(0, 0, 0, new byte[16], true, req.readOnlyPresent()));
            conn.flush();
            conn.close();
            return;
        }
        if (id == 0) {
            id = sessionIds.next();
            readOnlySessions.add(id, timeout); // local: nothing can be replicated without a quorum
        }
        establish(conn, req, id, timeout);
    }

    /** Asks for a new session's txn: a learner asks the leader, which logs it; we answer once it is applied here. */
    private void requestSession(long id, int timeout) {
        if (mode == Mode.LEARNER) {
            leaderLink.createSession(id, timeout);
        } else {
            TxnRecord record = newRecord(id, 0, new Txn.CreateSession(id, timeout));
            txnSink.append(record, () -> execute(() -> applyCommitted(record)));
        }
    }

    /** Keeps a session alive; a learner also tells the leader, which decides expiry. */
    private boolean touch(long sessionId) {
        if (mode == Mode.READ_ONLY) {
            return readOnlySessions.touch(sessionId); // global sessions are refused in this mode
        }
        boolean alive = sessions.touch(sessionId);
        if (alive && mode == Mode.LEARNER) {
            touchedSinceTick.add(sessionId);
        }
        return alive;
    }

    private void establish(ClientConnection conn, ConnectRequest req, long sessionId, int timeout) {
        if (!conn.isOpen()) {
            return; // the session lives on and expires unless the client comes back
        }
        ConnectionState previous = bySession.get(sessionId);
        if (previous != null && previous.connection != conn) {
            // The client moved to a new connection: the old one must not answer for this session anymore.
            detach(previous.connection);
            previous.connection.close();
        }
        ConnectionState st = new ConnectionState(conn, sessionId, dirtyMarker);
        if (config.x509SuperUser() != null && st.authIds().contains(new Id("x509", config.x509SuperUser()))) {
            st.addAuth(new Id("super", config.x509SuperUser())); // as ZooKeeper's X509AuthenticationProvider
        }
        if (mode == Mode.HOLDING) {
            st.held = new ArrayList<>(); // its session committed during the hold: its requests wait like the rest
            st.heldSinceTick = tick;
        }
        connections.put(conn, st);
        bySession.put(sessionId, st);
        conn.sessionEstablished(sessionId, timeout);
        conn.sendConnectResponse(new ConnectResponse(
                0,
                timeout,
                sessionId,
                establishingPasswords().passwordFor(sessionId),
                mode == Mode.READ_ONLY,
                req.readOnlyPresent()));
        markDirty(conn);
    }

    /**
     * A key for {@code purpose} derived from the secret every member shares (configured, or replicated), so all
     * members derive the same one; null while there is none. Safe to call from any thread.
     */
    public byte[] derivedKey(String purpose) {
        if (fixedPasswords != null) {
            return fixedPasswords.derive(purpose);
        }
        byte[] secret = state.sessionSecret();
        return secret == null ? null : new SessionPasswords(secret).derive(purpose);
    }

    /** The passwords sessions are checked against: configured, or replicated (null while none is). */
    private SessionPasswords passwords() {
        if (fixedPasswords != null) {
            return fixedPasswords;
        }
        byte[] secret = state.sessionSecret();
        if (secret == null) {
            return null;
        }
        if (replicatedPasswords == null || !replicatedPasswords.usesSecret(secret)) {
            replicatedPasswords = new SessionPasswords(secret);
        }
        return replicatedPasswords;
    }

    /**
     * The passwords a session is given. Only a read-only member that never saw a replicated secret uses a
     * local one: its sessions are local anyway. Elsewhere the secret's txn precedes every createSession.
     */
    private SessionPasswords establishingPasswords() {
        SessionPasswords p = passwords();
        if (p != null) {
            return p;
        }
        if (localPasswords == null) {
            localPasswords = new SessionPasswords(SessionPasswords.newSecret());
        }
        return localPasswords;
    }

    private void detach(ClientConnection conn) {
        ConnectionState st = connections.remove(conn);
        if (st == null) {
            return;
        }
        tree.removeWatcher(st);
        if (bySession.get(st.sessionId) == st) {
            bySession.remove(st.sessionId);
        }
        outstanding.addAndGet(
                -(int) st.queue.stream().filter(p -> p.type != OpCode.PING).count()
                        - (st.held == null ? 0 : st.held.size()));
        st.queue.clear();
        st.held = null;
    }

    // ---------------------------------------------------------------- requests

    private void handleRequest(ClientConnection conn, int xid, int type, Requests.Body body, int errorCode) {
        List<Runnable> waiting = connecting.get(conn);
        if (waiting != null) {
            // Clients send auth (and more) right behind the ConnectRequest, before its response.
            waiting.add(() -> handleRequest(conn, xid, type, body, errorCode));
            return;
        }
        ConnectionState st = connections.get(conn);
        if (st == null) {
            if (type != OpCode.PING) {
                outstanding.decrementAndGet();
            }
            conn.close();
            return;
        }
        if (!touch(st.sessionId) && type != OpCode.CLOSE_SESSION) {
            Pending p = new Pending(xid, type, body, false);
            p.reply = Reply.error(Code.SESSIONEXPIRED);
            p.closeAfterReply = true;
            st.queue.add(p);
            drain(st);
            return;
        }
        if (body == null) {
            // A malformed body is answered and the connection goes on (as ZooKeeper does); an unknown opcode ends it.
            Pending p = new Pending(xid, type, null, false);
            p.reply = Reply.error(errorCode);
            p.zxid = -1;
            p.closeAfterReply = errorCode != Code.MARSHALLINGERROR;
            st.queue.add(p);
            drain(st);
            return;
        }
        if (type == OpCode.PING) {
            conn.sendReply(new ReplyHeader(ReplyHeader.PING_XID, tree.lastProcessedZxid(), Code.OK), null);
            markDirty(conn);
            return;
        }
        if (st.held != null) {
            st.held.add(() -> handleRequest(conn, xid, type, body, errorCode));
            if (type == OpCode.CLOSE_SESSION && st.closeHeldSinceTick < 0) {
                st.closeHeldSinceTick = tick;
            }
            return;
        }
        if (mode == Mode.READ_ONLY && isWrite(type)) {
            Pending p = new Pending(xid, type, body, false);
            if (type == OpCode.CLOSE_SESSION) {
                readOnlySessions.remove(st.sessionId);
                p.reply = Reply.EMPTY;
                p.closeAfterReply = true;
            } else {
                p.reply = Reply.error(Code.NOTREADONLY);
            }
            st.queue.add(p);
            drain(st);
            return;
        }
        if (mode == Mode.LEARNER && type == OpCode.SYNC) {
            Pending p = new Pending(xid, type, body, true);
            st.queue.add(p);
            requestSync(st, p);
            return;
        }
        if (mode == Mode.LEADER && type == OpCode.SYNC) {
            // Another member may already have acknowledged a txn proposed here that this leader has not applied
            // yet: answer once everything proposed so far is applied, as a learner does.
            Pending p = new Pending(xid, type, body, true);
            st.queue.add(p);
            requestSync(st, p);
            return;
        }
        if (isWrite(type)) {
            Pending p = new Pending(xid, type, body, true);
            st.queue.add(p);
            submitWrite(st, p);
            return;
        }
        st.queue.add(new Pending(xid, type, body, false));
        drain(st);
    }

    /** A learner asks its leader; the leader answers once everything it proposed so far is applied. */
    private void requestSync(ConnectionState st, Pending p) {
        if (mode == Mode.LEARNER) {
            leaderLink.sync(st.sessionId, p.xid);
            if (PlantedBug.FOLLOWER_READ_AHEAD_OF_SYNC) syncDone(st.sessionId, p.xid, 0); // planted: no wait
        } else {
            syncDone(st.sessionId, p.xid, lastProposedZxid());
        }
    }

    /**
     * A write goes to the leader (a learner; the reply goes out when the txn is applied here) or is prepared
     * here (a leader or a standalone server), tagged with the epoch it was sent under.
     */
    private void submitWrite(ConnectionState st, Pending p) {
        p.epoch = epoch;
        if (mode == Mode.LEARNER) {
            p.closeAfterReply = p.type == OpCode.CLOSE_SESSION;
            leaderLink.forward(st.sessionId, p.xid, p.type, p.body, st.authIds());
            return;
        }
        Txn txn;
        long zxid = lastPreparedZxid + 1;
        if (p.type == OpCode.CLOSE_SESSION) {
            sessions.markClosing(st.sessionId);
            txn = preparer.closeSession(st.sessionId, zxid);
            p.closeAfterReply = true;
        } else {
            txn = preparer.prepare(p.type, p.body, st.context(), zxid);
        }
        TxnRecord record = newRecord(st.sessionId, p.xid, txn);
        p.zxid = record.zxid();
        txnSink.append(record, () -> execute(() -> applyCommitted(record)));
    }

    private static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE,
                    OpCode.CREATE2,
                    OpCode.CREATE_CONTAINER,
                    OpCode.CREATE_TTL,
                    OpCode.DELETE,
                    OpCode.DELETE_CONTAINER,
                    OpCode.SET_DATA,
                    OpCode.SET_ACL,
                    OpCode.CHECK,
                    OpCode.MULTI,
                    OpCode.RECONFIG,
                    OpCode.CLOSE_SESSION -> true;
            default -> false;
        };
    }

    private TxnRecord newRecord(long sessionId, int cxid, Txn txn) {
        long zxid = ++lastPreparedZxid;
        return new TxnRecord(new TxnHeader(sessionId, cxid, zxid, wallClock.getAsLong(), txn.type()), txn);
    }

    /**
     * Applies a committed txn and answers whoever here waits for it: the connection that asked for the new
     * session, or the session's oldest unanswered write (a session's writes commit in the order it sent them).
     */
    public void applyCommitted(TxnRecord record) {
        ApplyResult result = applyRecord(record);
        Txn txn = record.txn();
        if (txn instanceof Txn.CreateSession cs) {
            NewSession waiting = sessionsBeingCreated.remove(cs.sessionId());
            if (waiting != null) {
                List<Runnable> queued = connecting.remove(waiting.connection());
                establish(waiting.connection(), waiting.request(), cs.sessionId(), waiting.timeout());
                AuditSink sink = audit;
                ConnectionState st = sink == null ? null : bySession.get(cs.sessionId());
                if (st != null) {
                    AuditEvents.sessionCreated(sink, st, record);
                }
                if (queued != null) {
                    queued.forEach(Runnable::run);
                }
            }
            return;
        }
        ConnectionState st = bySession.get(record.header().clientId());
        if (st == null) {
            return;
        }
        for (Pending p : st.queue) {
            if (p.write && !p.ready() && p.type != OpCode.SYNC) {
                boolean closeMatches = (txn instanceof Txn.CloseSession) == (p.type == OpCode.CLOSE_SESSION);
                if (p.xid == record.header().cxid() && closeMatches) {
                    p.zxid = record.zxid(); // a learner's forwarded write learns its zxid only now
                    p.reply = WriteReplies.of(p.type, p.body, txn, result);
                    AuditSink sink = audit; // null (off): nothing is allocated
                    if (sink != null) {
                        AuditEvents.write(sink, st, p.type, p.body, record, result);
                    }
                    drain(st);
                }
                return;
            }
        }
    }

    /** A connection waiting for its new session's txn to commit, asked for under {@code epoch}. */
    private record NewSession(ClientConnection connection, ConnectRequest request, int timeout, long epoch) {
        NewSession withEpoch(long newEpoch) {
            return new NewSession(connection, request, timeout, newEpoch);
        }
    }

    private ApplyResult applyRecord(TxnRecord record) {
        ApplyResult result = state.apply(record);
        pendingChanges.applied(record.zxid());
        if (record.txn() instanceof Txn.CloseSession close) {
            ConnectionState st = bySession.get(close.sessionId());
            if (st != null
                    && st.connection.isOpen()
                    && st.queue.stream().noneMatch(p -> p.type == OpCode.CLOSE_SESSION)) {
                // Expired: the client learns it on its next connect attempt.
                detach(st.connection);
                st.connection.close();
            }
        }
        sessionCount = sessions.size();
        while (!syncsWaiting.isEmpty() && syncsWaiting.firstKey() <= tree.lastProcessedZxid()) {
            syncsWaiting.pollFirstEntry().getValue().forEach(Runnable::run);
        }
        if (++txnsSinceSnapshot >= config.snapshotEveryTxns()) {
            txnsSinceSnapshot = 0;
            Map<Long, Integer> copy = new TreeMap<>();
            for (Session s : sessions.all()) {
                copy.put(s.id(), s.timeoutMs());
            }
            snapshotter.snapshot(tree.lastProcessedZxid(), copy);
        }
        return result;
    }

    /** Sends every reply at the head of the queue that is ready, running reads as they reach the head. */
    private void drain(ConnectionState st) {
        while (!st.queue.isEmpty()) {
            if (PlantedBug.REPLIES_OUT_OF_ORDER) PlantedBug.swapHead(st.queue, q -> !q.write && !q.ready(), 5);
            Pending p = st.queue.peek();
            if (p.write && !p.ready()) {
                return;
            }
            if (!p.ready()) {
                runInOrder(st, p);
            }
            st.queue.poll();
            if (p.type != OpCode.PING) {
                outstanding.decrementAndGet(); // pings are not counted (see request())
            }
            // ZooKeeper answers auth and sasl with zxid 0 and an unknown opcode with -1; everything else carries a
            // zxid.
            long zxid = p.write
                    ? p.zxid
                    : p.type == OpCode.AUTH || p.type == OpCode.SASL
                            ? 0
                            : p.body == null && p.reply.err() == Code.UNIMPLEMENTED ? -1 : tree.lastProcessedZxid();
            int xid = p.type == OpCode.AUTH ? ReplyHeader.AUTH_XID : p.xid;
            // an error reply has no body, except a failed SASL step's (SetSASLResponse{null}, as ZooKeeper sends)
            st.connection.sendReply(new ReplyHeader(xid, zxid, p.reply.err()), p.reply.body());
            markDirty(st.connection);
            if (p.closeAfterReply) {
                detach(st.connection);
                st.connection.close();
                return;
            }
        }
    }

    /**
     * Reports every write answered here (the server holding the client's session) to {@code sink}; null turns
     * auditing off, and then the pipeline allocates nothing for it.
     */
    public void setAuditSink(AuditSink sink) {
        this.audit = sink;
    }

    /**
     * Most watches one session may hold (0 = unlimited, as in ZooKeeper). A request that would arm one more
     * is refused with BADARGUMENTS, a code every client (Java, Curator, Kazoo) knows; the read is not done.
     * Re-arming a watch the session holds, and setWatches after a reconnect (watches accepted before), are
     * never refused.
     */
    public void setMaxWatchesPerSession(int max) {
        this.maxWatchesPerSession = max;
    }

    @Override
    public long watchLimitRejections() {
        return watchLimitRejections.get();
    }

    /** True (and the reply set) when the request would arm a watch beyond the session's limit. */
    private boolean overWatchLimit(ConnectionState st, Pending p) {
        int max = maxWatchesPerSession;
        if (max <= 0) {
            return false;
        }
        String path;
        boolean childTable;
        if (p.body instanceof Requests.PathWatch pw && pw.watch() && p.type != OpCode.MULTI_READ) {
            path = pw.path();
            childTable = p.type == OpCode.GET_CHILDREN || p.type == OpCode.GET_CHILDREN2;
            if (p.type != OpCode.EXISTS && tree.getNode(path) == null) {
                return false; // NONODE arms nothing
            }
        } else if (p.type == OpCode.ADD_WATCH && p.body instanceof Requests.AddWatch aw) {
            path = aw.path();
            childTable = false;
        } else {
            return false;
        }
        if (path == null || tree.isWatching(path, st, childTable) || tree.watchCountOf(st) < max) {
            return false;
        }
        watchLimitRejections.incrementAndGet();
        if (!st.watchLimitLogged) {
            st.watchLimitLogged = true;
            log.warn(
                    "Session 0x{} from {} holds {} watches, the limit of coordinator.max-watches-per-session;"
                            + " refused a watch on {} with BADARGUMENTS (logged once per connection)",
                    Long.toHexString(st.sessionId),
                    st.connection.remoteSocketAddress(),
                    tree.watchCountOf(st),
                    path);
        }
        p.reply = Reply.error(Code.BADARGUMENTS);
        return true;
    }

    /** Everything that is not a txn: reads, watches, auth, sync. */
    private void runInOrder(ConnectionState st, Pending p) {
        if (overWatchLimit(st, p)) {
            return;
        }
        switch (p.type) {
            case OpCode.AUTH -> p.reply = authenticate(st, (Requests.Auth) p.body, p);
            case OpCode.SASL -> p.reply = sasl(st, (Requests.Sasl) p.body, p);
            case OpCode.SYNC -> {
                String path = ((Requests.PathOnly) p.body).path();
                p.reply = Reply.ok(out -> out.writeString(path));
            }
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> {
                Requests.SetWatches w = (Requests.SetWatches) p.body;
                tree.setWatches(
                        w.relativeZxid(),
                        w.dataWatches(),
                        w.existWatches(),
                        w.childWatches(),
                        w.persistentWatches(),
                        w.persistentRecursiveWatches(),
                        st);
                p.reply = Reply.EMPTY;
            }
            case OpCode.ADD_WATCH -> {
                Requests.AddWatch w = (Requests.AddWatch) p.body;
                if (w.mode() != 0 && w.mode() != 1) {
                    p.reply = Reply.error(Code.MARSHALLINGERROR); // ZooKeeper fails to decode the mode
                } else {
                    tree.addWatch(w.path(), st, w.mode() == 1);
                    p.reply = Reply.ok(out -> out.writeInt(0));
                }
            }
            case OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES -> {
                Requests.WatchType w = (Requests.WatchType) p.body;
                boolean found = tree.removeWatches(w.path(), w.type(), st, p.type == OpCode.CHECK_WATCHES);
                p.reply = found ? Reply.EMPTY : Reply.error(Code.NOWATCHER);
            }
            default -> p.reply = reads.execute(p.type, p.body, st.context(), st);
        }
    }

    private Reply authenticate(ConnectionState st, Requests.Auth auth, Pending p) {
        String scheme = auth.scheme();
        byte[] credentials = auth.auth() == null ? new byte[0] : auth.auth();
        if ("digest".equals(scheme)) {
            // Like ZooKeeper, any text is accepted: "user" without ":password" digests as user "user".
            String digest = Acls.digest(new String(credentials, StandardCharsets.UTF_8));
            if (config.superDigest() != null && config.superDigest().equals(digest)) {
                addId(st, new Id("super", ""));
            }
            addId(st, new Id("digest", digest));
            return Reply.EMPTY;
        } else if ("ip".equals(scheme)) {
            addId(st, new Id("ip", st.connection.remoteAddress()));
            return Reply.EMPTY;
        }
        log.info("Authentication with scheme {} failed for {}", scheme, st);
        authFailures.incrementAndGet();
        p.closeAfterReply = true;
        return Reply.error(Code.AUTHFAILED);
    }

    /**
     * Lets clients log in with SASL DIGEST-MD5 (null: SASL requests are refused with AUTHFAILED). Every
     * member of an ensemble should be given the same users: a client may log in on any of them.
     */
    public void setSaslAuthenticator(SaslAuthenticator authenticator) {
        this.sasl = authenticator;
    }

    /** reconfigEnabled=true: reconfig requests are prepared against this gate (null: RECONFIGDISABLED). */
    public void setReconfigGate(ReconfigGate gate) {
        execute(() -> {
            reconfigGate = gate;
            preparer.setReconfigGate(gate);
        });
    }

    @Override
    public long authFailures() {
        return authFailures.get();
    }

    /**
     * One step of a SASL login, as ZooKeeper's processSasl: the client's token in, the server's token out
     * (SetSASLResponse); once complete the session holds {@code sasl:<user>}. A failed step is answered
     * AUTHFAILED (with a null token) and the connection closed.
     */
    private Reply sasl(ConnectionState st, Requests.Sasl request, Pending p) {
        SaslAuthenticator authenticator = sasl;
        if (authenticator == null) {
            log.info(
                    "Client {} tried SASL authentication, which is off here: enable it with coordinator.sasl.enabled"
                            + "=true (zoo.cfg: authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider)"
                            + " and a JAAS Server section with user_<name>=\"<password>\" options",
                    st);
            return saslFailed(p);
        }
        try {
            if (st.saslExchange == null) {
                st.saslExchange = authenticator.newExchange();
            }
            byte[] response = st.saslExchange.respond(request.token());
            String user = st.saslExchange.authorizedId();
            if (user != null) {
                st.saslExchange = null;
                addId(st, new Id("sasl", user));
                log.info("Session 0x{}: SASL login as {}", Long.toHexString(st.sessionId), user);
            }
            return Reply.ok(out -> out.writeBuffer(response));
        } catch (SaslException e) {
            st.saslExchange = null;
            log.warn("Client {} failed to SASL authenticate: {}", st, e.getMessage());
            return saslFailed(p);
        }
    }

    private Reply saslFailed(Pending p) {
        authFailures.incrementAndGet();
        p.closeAfterReply = true;
        return new Reply(Code.AUTHFAILED, out -> out.writeBuffer(null)); // SetSASLResponse{null}, as ZooKeeper
    }

    private static void addId(ConnectionState st, Id id) {
        st.addAuth(id);
    }

    // ---------------------------------------------------------------- time-driven work

    private void tick() {
        tick++;
        // Every server keeps the session clock current, so a follower that becomes leader hands out fresh
        // timeouts from now (serveAsLeader) instead of from tick 0.
        sessions.advanceTo(tick);
        if (holdsClients) {
            closeHeldPastReadTimeout(); // while held, and after a resume until the new leadership answers
        }
        if (mode == Mode.LEARNER) {
            if (!touchedSinceTick.isEmpty()) {
                leaderLink.touch(List.copyOf(touchedSinceTick));
                touchedSinceTick.clear();
            }
            return;
        }
        if (mode == Mode.READ_ONLY) {
            for (long id : readOnlySessions.expire(tick)) {
                log.info("Read-only session 0x{} expired", Long.toHexString(id));
                readOnlySessions.remove(id);
                ConnectionState st = bySession.get(id);
                if (st != null) {
                    detach(st.connection);
                    st.connection.close();
                }
            }
            return;
        }
        if (mode != Mode.STANDALONE && mode != Mode.LEADER) {
            return; // only the server that decides txns expires sessions
        }
        for (long id : sessions.expire(tick)) {
            log.info("Session 0x{} expired", Long.toHexString(id));
            if (PlantedBug.EXPIRY_KEEPS_EPHEMERALS) continue; // planted: no closeSession txn, ephemerals stay
            long zxid = lastPreparedZxid + 1;
            Txn txn = preparer.closeSession(id, zxid);
            TxnRecord record = newRecord(id, 0, txn);
            txnSink.append(record, () -> execute(() -> applyCommitted(record)));
        }
    }

    /**
     * A held connection is closed once its session's read timeout (two thirds of the timeout, the time a client
     * waits for any answer) has passed since the hold began: a member cut off from the quorum must not keep a
     * client, whose session the quorum goes on timing, from moving to a member that can renew it. One whose client
     * asked to close its session is closed at the next tick: the client is shutting down (an application stopping
     * would otherwise wait out its read timeout), and the session then ends by expiry, as when ZooKeeper's member
     * drops its clients at once; a quick election still commits the close before that tick.
     */
    private void closeHeldPastReadTimeout() {
        for (ConnectionState st : List.copyOf(connections.values())) {
            if (st.held == null) {
                continue;
            }
            long heldMs = (tick - st.heldSinceTick) * config.tickTimeMs();
            Session s = sessions.get(st.sessionId);
            boolean closing = st.closeHeldSinceTick >= 0 && tick > st.closeHeldSinceTick;
            if (s == null || closing || heldMs >= s.timeoutMs() * 2L / 3) {
                log.info(
                        "Closing the held connection of session 0x{}: no leader for {} ms{}",
                        Long.toHexString(st.sessionId),
                        heldMs,
                        closing ? " and its client is closing the session" : "");
                detach(st.connection);
                st.connection.close();
            }
        }
    }

    private void reapContainersAndTtlNodes() {
        if (mode != Mode.STANDALONE && mode != Mode.LEADER) {
            return;
        }
        List<String> candidates = new ArrayList<>(tree.containersToDelete(config.maxContainerDeletesPerMinute()));
        candidates.addAll(tree.expiredTtlNodes(wallClock.getAsLong()));
        for (String path : candidates) {
            long zxid = lastPreparedZxid + 1;
            Txn txn = preparer.prepare(
                    OpCode.DELETE_CONTAINER, new Requests.PathOnly(path), new PrepareContext(0, List.of()), zxid);
            if (txn instanceof Txn.Error) {
                continue; // it gained a child or vanished meanwhile: nothing to log
            }
            TxnRecord record = newRecord(0, 0, txn);
            txnSink.append(record, () -> execute(() -> applyCommitted(record)));
        }
    }

    // ---------------------------------------------------------------- flushing

    private void markDirty(ClientConnection conn) {
        dirty.add(conn);
        if (!flushScheduled) {
            flushScheduled = true;
            execute(this::flushDirty);
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        for (ClientConnection c : dirty) {
            c.flush();
        }
        dirty.clear();
    }

    // ---------------------------------------------------------------- ServerView (any thread)

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public String mode() {
        return modeName;
    }

    @Override
    public boolean isReadOnly() {
        return mode == Mode.READ_ONLY;
    }

    @Override
    public long lastProcessedZxid() {
        return tree.lastProcessedZxid();
    }

    @Override
    public int nodeCount() {
        return tree.nodeCount();
    }

    @Override
    public long approximateDataSize() {
        return tree.approximateDataSize();
    }

    @Override
    public int ephemeralCount() {
        return tree.ephemeralCount();
    }

    @Override
    public int sessionCount() {
        return sessionCount;
    }

    @Override
    public int outstandingRequests() {
        return Math.max(0, outstanding.get());
    }

    @Override
    public int watchCount() {
        return onPipeline(tree::watchCount, 0);
    }

    @Override
    public int watchedPathCount() {
        return onPipeline(tree::watchedPathCount, 0);
    }

    @Override
    public int watchingSessionCount() {
        return onPipeline(tree::watcherCount, 0);
    }

    @Override
    public Map<Long, List<String>> watchesBySession() {
        return onPipeline(
                () -> {
                    Map<Long, List<String>> out = new TreeMap<>();
                    for (Map.Entry<Watcher, List<String>> e :
                            tree.watchesByWatcher().entrySet()) {
                        if (e.getKey() instanceof ConnectionState st) {
                            out.computeIfAbsent(st.sessionId, k -> new ArrayList<>())
                                    .addAll(e.getValue());
                        }
                    }
                    return out;
                },
                Map.of());
    }

    @Override
    public Map<String, List<Long>> watchesByPath() {
        return onPipeline(
                () -> {
                    Map<String, List<Long>> out = new TreeMap<>();
                    for (Map.Entry<String, List<Watcher>> e :
                            tree.watchesByPath().entrySet()) {
                        List<Long> ids = new ArrayList<>();
                        for (Watcher w : e.getValue()) {
                            if (w instanceof ConnectionState st) {
                                ids.add(st.sessionId);
                            }
                        }
                        out.put(e.getKey(), ids);
                    }
                    return out;
                },
                Map.of());
    }

    @Override
    public Map<Long, List<String>> ephemeralsBySession() {
        return onPipeline(() -> new TreeMap<>(tree.ephemeralsBySession()), Map.of());
    }

    @Override
    public Map<String, String> configuration() {
        return configuration;
    }

    private volatile Supplier<Map<String, Object>> roleValues = Map::of;
    private volatile Supplier<String> proposalSizes = () -> null;

    /** Lets the replication driver report role-specific values for mntr and srvr. */
    public void reportRoleStats(Supplier<Map<String, Object>> values, Supplier<String> proposals) {
        this.roleValues = values;
        this.proposalSizes = proposals;
    }

    @Override
    public Map<String, Object> roleMonitorValues() {
        return roleValues.get();
    }

    @Override
    public String proposalSizes() {
        return proposalSizes.get();
    }

    /** Runs a read of pipeline-owned state on the pipeline thread (watch tables are not thread-safe). */
    private <T> T onPipeline(Callable<T> query, T fallback) {
        try {
            Future<T> f = thread.submit(query);
            return f.get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }
}
