package io.coordinator.server.cluster;

import io.coordinator.server.net.PeerTransport;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.request.ReconfigGate;
import io.coordinator.server.request.RequestPipeline;
import io.coordinator.server.request.StateMachine;
import io.coordinator.server.request.StateSnapshots;
import io.coordinator.server.storage.EpochStore;
import io.coordinator.server.storage.GroupCommitLog;
import io.coordinator.server.storage.SequentialLogReader;
import io.coordinator.server.storage.SnapshotStore;
import io.coordinator.server.storage.TxnLog;
import io.coordinator.server.zab.Epochs;
import io.coordinator.server.zab.NotLeaderException;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.PeerStatus;
import io.coordinator.server.zab.ReadyExecutor;
import io.coordinator.server.zab.ReconfigException;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.SnapshotToInstall;
import io.coordinator.server.zab.ZabCodec;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabLog;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabNode;
import io.coordinator.server.zab.ZabStateMachine;
import io.coordinator.server.zab.Zxids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pure ZAB core against the real world: messages over the quorum and election transports, the
 * log with group commit, the epoch file, snapshots from the leader, and the request pipeline, whose thread
 * the core lives on (so txns are proposed, applied and answered without locks). Each Ready is carried out by
 * the {@link ReadyExecutor}, in the order the core requires; this class supplies the IO.
 */
public final class EnsembleDriver implements ZabLog, ZabStateMachine, ReconfigGate {
    private static final Logger log = LoggerFactory.getLogger(EnsembleDriver.class);

    /**
     * The core counts time in ticks; it is given ten per tickTime, so an election round or a sync step
     * takes a fraction of a tickTime instead of a whole one. Limits are scaled to match.
     */
    public static final int CORE_TICKS_PER_TICK = 10;

    private final int myId;
    private final ZabConfig config;
    private final RequestPipeline pipeline;
    private final GroupCommitLog groupCommit;
    private final TxnLog txnLog;
    private final SnapshotStore snapshots;
    private final EpochStore epochStore;
    private final int tickTimeMs;
    private final Consumer<Throwable> fatal;
    private final boolean readOnlyModeEnabled;
    private long notServingGeneration;
    private final PeerTransport quorum;
    private final PeerTransport election;
    private final ScheduledExecutorService ticker;
    private ZabNode node;
    private final ReadyExecutor executor = newExecutor();
    /** Unapplied records and the newest applied ones: a DIFF of up to ~1,000 records is served from memory. */
    private final RecentRecords recent = new RecentRecords(1_024, this::appliedZxid);
    /** Older records, read from disk: a long DIFF goes on from where its previous batch ended. */
    private final SequentialLogReader older;

    private final Outbox outbox;
    private final ForwardedTraffic forwarded;
    private final ProposalSizes proposalSizes = new ProposalSizes();
    private Role lastRole;
    /** Proposals waiting for the current Ready to be carried out (see {@link #propose}). */
    private final ArrayDeque<TxnRecord> toPropose = new ArrayDeque<>();

    private boolean carryingOut;
    private boolean processScheduled;
    private boolean lastServing;
    private volatile Map<Integer, PeerStatus> peerView = Map.of();
    /** Role, leader and epoch as of the last step, published together so a reader never sees them half-updated. */
    private volatile Status status = new Status(Role.LOOKING, -1, 0);

    private record Status(Role role, int leader, long epoch) {}
    /** Every server line seen, for the addresses of members a reconfig adds (pipeline thread). */
    private final ServerLines serverLines = new ServerLines();

    private final CommittedConfigFile committedConfig;
    /** The ids the transports connect to now (pipeline thread). */
    private Set<Integer> connectedMembers;
    /** The config text last kept in {@link #committedConfig} (pipeline thread). */
    private String persistedText;

    private ZabConfig lastConfig;
    private long lastLineChanges = -1;

    /**
     * What the driver is configured with. {@code configText}: the start configuration in ZooKeeper's form (the
     * members' {@code server.N=} lines with their addresses), or "" when the network knows every address and the
     * membership never changes; {@code committedConfig}: where a committed reconfig is kept, or null (tests).
     */
    public record Config(
            ZabConfig zab,
            int tickTimeMs,
            int maxMessageBytes,
            boolean readOnlyModeEnabled,
            String configText,
            CommittedConfigFile committedConfig) {
        public Config(ZabConfig zab, int tickTimeMs, int maxMessageBytes, boolean readOnlyModeEnabled) {
            this(zab, tickTimeMs, maxMessageBytes, readOnlyModeEnabled, "", null);
        }
    }

    /** The server's storage, shared with the rest of the server (the log is recovered, the epochs loaded at start). */
    public record Storage(GroupCommitLog groupCommit, TxnLog txnLog, SnapshotStore snapshots, EpochStore epochs) {}

    /** @param fatal called when storage fails: nothing more can be made durable, the server must stop */
    public EnsembleDriver(
            Config config, Storage storage, PeerNetwork network, RequestPipeline pipeline, Consumer<Throwable> fatal) {
        this.readOnlyModeEnabled = config.readOnlyModeEnabled();
        this.myId = config.zab().myId();
        this.config = config.zab();
        this.pipeline = pipeline;
        this.groupCommit = storage.groupCommit();
        this.txnLog = storage.txnLog();
        this.older = new SequentialLogReader(txnLog);
        this.snapshots = storage.snapshots();
        this.epochStore = storage.epochs();
        this.tickTimeMs = config.tickTimeMs();
        this.fatal = fatal;
        this.committedConfig = config.committedConfig();
        serverLines.learn(config.configText());
        int maxMessageBytes = config.maxMessageBytes();
        this.quorum = network.quorum(
                new PeerTransport.Receiver() {
                    @Override
                    public void onMessage(int fromId, byte[] payload) {
                        received(fromId, payload);
                    }

                    @Override
                    public void onDisconnected(int peerId) {
                        pipeline.submit(() -> {
                            node.peerDisconnected(peerId);
                            scheduleProcess();
                        });
                    }
                },
                maxMessageBytes);
        this.election = network.election(this::received);
        this.outbox = new Outbox(maxMessageBytes, quorum::send);
        this.forwarded = new ForwardedTraffic(pipeline, this::send, () -> node.role() == Role.LEADING);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coordinator-zab-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Leader only: when each proposal still waiting for its commit was made (zxid order), for commit latency. */
    private final ArrayDeque<long[]> proposedAt = new ArrayDeque<>();

    private volatile LongConsumer commitLatencyListener = nanos -> {};

    public void start() throws IOException {
        EpochStore.Epochs stored = epochStore.load();
        Epochs epochs = new Epochs(stored.accepted(), stored.current(), stored.acceptedFrom());
        long seed = System.nanoTime() ^ ((long) myId << 48);
        runOnPipeline(() -> {
            node = new ZabNode(config, epochs, this, this, seed);
            lastRole = node.role();
            process();
        });
        quorum.start();
        election.start();
        long period = Math.max(1, tickTimeMs / CORE_TICKS_PER_TICK);
        ticker.scheduleAtFixedRate(() -> pipeline.submit(this::tick), period, period, TimeUnit.MILLISECONDS);
        log.info(
                "Server {} joined the ensemble {} (accepted epoch {}, current epoch {})",
                myId,
                config.peers(),
                epochs.acceptedEpoch(),
                epochs.currentEpoch());
    }

    public void stop() {
        ticker.shutdownNow();
        quorum.stop();
        election.stop();
    }

    /** Runs a task on the pipeline thread and waits for it (startup only). */
    private void runOnPipeline(Runnable task) {
        var done = new CompletableFuture<Void>();
        pipeline.submit(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.join();
    }

    // ---------------------------------------------------------------- inputs (pipeline thread)

    /**
     * The log failed: the server is stopping this member (and starts it again from its files once it can write).
     * Until then the core gets no input: it could only produce records that cannot be written.
     */
    private boolean logFailed() {
        return groupCommit.failed();
    }

    private void tick() {
        if (logFailed()) {
            return;
        }
        node.tick();
        scheduleProcess();
        // The operations view of the learners, refreshed per tick rather than per batch (it is not free).
        peerView = node.role() == Role.LEADING ? node.peers() : Map.of();
    }

    /**
     * A frame from a peer (Netty thread): a ZAB message, forwarded client traffic, or a batch of those. It is
     * decoded here and handed to the pipeline as one task: the core takes every message of the batch, and one
     * Ready then answers them all.
     */
    private void received(int from, byte[] frame) {
        if (frame.length == 0) {
            return;
        }
        List<Object> messages = new ArrayList<>(1);
        if (frame[0] == ForwardedMessage.TAG_BATCH) {
            for (byte[] inner : FrameBatch.decode(frame, () -> log.warn("Malformed batch from server {}", from))) {
                decodeInto(from, inner, messages);
            }
        } else {
            decodeInto(from, frame, messages);
        }
        if (messages.isEmpty()) {
            return;
        }
        pipeline.submit(() -> {
            if (logFailed()) {
                return;
            }
            for (Object m : messages) {
                if (m instanceof ZabMessage z) {
                    node.step(from, z);
                } else {
                    forwarded.received(from, (ForwardedMessage) m);
                }
            }
            process(); // a frame is already a batch: answer it now rather than after another trip through the queue
        });
    }

    private void decodeInto(int from, byte[] frame, List<Object> out) {
        try {
            out.add(
                    frame[0] == ForwardedMessage.TAG_ZAB
                            ? ZabCodec.decode(Arrays.copyOfRange(frame, 1, frame.length))
                            : ForwardedMessage.decode(frame));
        } catch (RuntimeException e) {
            log.warn("Malformed message from server {} dropped: {}", from, e.getMessage());
        }
    }

    /**
     * The leader's pipeline proposes here (pipeline thread). Proposed at once, unless a Ready is being carried out
     * (applying a txn can prepare another): then right after it, in the same order, so zxids stay as prepared.
     */
    public void propose(TxnRecord record) {
        toPropose.addLast(record);
        if (!carryingOut) {
            proposeQueued();
        }
        scheduleProcess();
    }

    private void proposeQueued() {
        TxnRecord record;
        while ((record = toPropose.pollFirst()) != null) {
            try {
                long zxid = record.txn() instanceof Txn.Reconfig rc
                        ? node.reconfig(
                                record.header().clientId(),
                                record.header().cxid(),
                                record.header().time(),
                                new String(rc.data(), StandardCharsets.UTF_8),
                                -1) // the version was checked when it was prepared (check)
                        : node.propose(
                                record.header().clientId(),
                                record.header().cxid(),
                                record.header().time(),
                                record.txn());
                proposalSizes.record(record.toBytes().length);
                proposedAt.addLast(new long[] {zxid, System.nanoTime()});
                if (zxid != record.zxid()) {
                    throw new IllegalStateException("pipeline prepared zxid " + Zxids.hex(record.zxid())
                            + " but the leader assigned " + Zxids.hex(zxid));
                }
            } catch (RuntimeException e) {
                // Not leading any more (or out of step): the clients of this server are dropped below.
                log.warn("Proposal of zxid {} not made: {}", Zxids.hex(record.zxid()), e.getMessage());
                pipeline.stopServing("lost leadership while proposing");
            }
        }
    }

    // ---------------------------------------------------------------- Ready (pipeline thread)

    /**
     * Carries out the core's output once per burst of inputs: inputs that come one client request at a time
     * (proposals, forwarded writes) step the core and ask for this task, which runs after what the pipeline has
     * queued meanwhile, so the burst becomes one Ready, one run of appends and one batch frame per peer. Inputs
     * that are batches already (a received frame, an fsync) are carried out at once.
     */
    private void scheduleProcess() {
        if (!processScheduled) {
            processScheduled = true;
            pipeline.submit(this::process);
        }
    }

    private void process() {
        processScheduled = false;
        if (logFailed()) {
            return;
        }
        try {
            proposeQueued();
            while (carryOutNext() == ReadyExecutor.Outcome.DONE) {
                proposeQueued(); // writes that applying this Ready prepared
            }
            updateRole();
            updateMembers();
        } catch (IOException | UncheckedIOException e) {
            fatal.accept(e);
        } catch (IllegalStateException e) {
            if (!logFailed()) {
                throw e;
            }
            return; // the log failed under this Ready: the server reports it once and stops this member
        }
        outbox.flush();
    }

    /** The next Ready, if any, with proposals made meanwhile (applying a txn can prepare another) held back. */
    private ReadyExecutor.Outcome carryOutNext() throws IOException {
        carryingOut = true;
        try {
            return executor.step(node);
        } finally {
            carryingOut = false;
        }
    }

    /** The IO of a Ready; the order is {@link ReadyExecutor}'s. */
    private ReadyExecutor newExecutor() {
        return new ReadyExecutor(
                e -> epochStore.store(new EpochStore.Epochs(e.acceptedEpoch(), e.currentEpoch(), e.acceptedFrom())),
                this::persistConfig,
                new ReadyExecutor.LogAppender() {
                    /** The Ready's last record so far: it is submitted with the durability report in sync. */
                    private TxnRecord held;

                    @Override
                    public void truncateAfter(long zxid) throws IOException {
                        log.info("Truncating the log after zxid {} to match the leader", Zxids.hex(zxid));
                        groupCommit.truncateAfter(zxid);
                        recent.truncatedAfter(zxid);
                    }

                    @Override
                    public void append(TxnRecord rec) {
                        recent.appended(rec);
                        if (rec.txn() instanceof Txn.Reconfig rc) {
                            serverLines.learn(new String(rc.data(), StandardCharsets.UTF_8));
                        }
                        TxnRecord previous = held;
                        held = rec;
                        if (previous != null) {
                            groupCommit.submit(previous, null);
                        }
                    }

                    @Override
                    public void sync(long lastZxid, long logGeneration) {
                        TxnRecord last = held;
                        held = null;
                        // One durability report per batch is enough: the last record's covers the ones before it.
                        groupCommit.submit(
                                last,
                                () -> pipeline.submit(() -> {
                                    node.persisted(lastZxid, logGeneration);
                                    process(); // acks and commits wait on this: no extra trip through the queue
                                }));
                    }
                },
                this::install,
                o -> sendZab(o.to(), o.message()),
                rec -> {
                    pipeline.applyCommitted(rec);
                    reportCommitLatency(rec.zxid());
                },
                ReadyExecutor.Checkpoint.NONE);
    }

    /** Votes go over the election transport at once; the rest joins the peer's batch of quorum frames. */
    private void sendZab(int to, ZabMessage m) {
        byte[] body = ZabCodec.encode(m);
        byte[] frame = new byte[body.length + 1];
        frame[0] = ForwardedMessage.TAG_ZAB;
        System.arraycopy(body, 0, frame, 1, body.length);
        if (m instanceof ZabMessage.Notification) {
            election.send(to, frame);
        } else {
            outbox.enqueue(to, frame);
        }
    }

    /** Proposal commit latency on the leader: from propose to the commit being applied here. */
    private void reportCommitLatency(long zxid) {
        while (!proposedAt.isEmpty() && proposedAt.peekFirst()[0] <= zxid) {
            long[] p = proposedAt.pollFirst();
            if (p[0] == zxid) {
                commitLatencyListener.accept(System.nanoTime() - p[1]);
            }
        }
    }

    /** SNAP: keep the leader's state durably, then let the log continue from it. */
    private void install(SnapshotToInstall snap) throws IOException {
        log.info(
                "Installing a snapshot at zxid {} from the leader ({} bytes)",
                Zxids.hex(snap.zxid()),
                snap.data().length);
        StateMachine state = StateSnapshots.fromBytes(snap.data(), tickTimeMs);
        state.tree().setLastProcessedZxid(snap.zxid());
        var configNode = state.tree().getNode(io.coordinator.server.tree.DataTree.CONFIG_PATH);
        if (configNode != null && configNode.data() != null) {
            serverLines.learn(new String(configNode.data(), StandardCharsets.UTF_8));
        }
        snapshots.write(snap.zxid(), out -> out.write(snap.data()));
        recent.replacedUpTo(snap.zxid());
        groupCommit.flush();
        if (txnLog.lastZxid() < snap.zxid()) {
            txnLog.advanceTo(snap.zxid());
        }
        pipeline.stopServing("installing a snapshot from the leader");
        pipeline.replaceState(state);
    }

    /** A committed reconfig: kept durably (the Ready's first step), so a restart starts from it. */
    private void persistConfig(ZabConfig config) throws IOException {
        String text = serverLines.text(config);
        log.info("Server {}: configuration {} committed: {}", myId, Long.toHexString(config.version()), config.peers());
        if (committedConfig != null) {
            committedConfig.store(text);
            persistedText = text;
        }
    }

    /**
     * Connects the quorum link to the members of every configuration the core respects (the committed one and a
     * pending one), and drops it to servers none of them names. The election link also keeps every server this
     * member ever knew: ZooKeeper answers a non-member's election notification too, and that answer (which
     * carries the committed config) is how a removed server that missed its removal learns it, and how one that
     * was added back learns that. Also re-keeps the committed config once every member's address is known.
     */
    private void updateMembers() throws IOException {
        if (node.config() == lastConfig && serverLines.changes() == lastLineChanges && node.pendingConfig() == null) {
            return; // the common case, after every batch of writes: nothing to do
        }
        lastConfig = node.config();
        lastLineChanges = serverLines.changes();
        String text = serverLines.text(node.config());
        if (committedConfig != null && node.config().version() > 0 && !text.equals(persistedText)) {
            committedConfig.store(text); // a config first learned from a notification, now with addresses
            persistedText = text;
        }
        Set<Integer> ids = new TreeSet<>();
        for (Peer p : node.config().peers()) {
            ids.add(p.id());
        }
        ZabConfig pending = node.pendingConfig();
        if (pending != null) {
            for (Peer p : pending.peers()) {
                ids.add(p.id());
            }
        }
        ids.remove(myId);
        if (ids.equals(connectedMembers)) {
            return;
        }
        if (connectedMembers != null) {
            log.info("Server {}: connecting to members {} (was {})", myId, ids, connectedMembers);
            quorum.setPeers(serverLines.addresses(ids, 1));
            Set<Integer> known = new TreeSet<>(serverLines.ids());
            known.addAll(ids);
            known.remove(myId);
            election.setPeers(serverLines.addresses(known, 2));
        }
        connectedMembers = ids;
    }

    /**
     * {@link ReconfigGate}, on the pipeline thread when the leader prepares a reconfig: the core's refusals as
     * ZooKeeper's codes. A reconfig prepared but not proposed yet is in progress too.
     */
    @Override
    public int check(String lines, long fromVersion) {
        for (TxnRecord r : toPropose) {
            if (r.txn() instanceof Txn.Reconfig) {
                return Code.RECONFIGINPROGRESS;
            }
        }
        try {
            node.checkReconfig(lines, fromVersion);
            return Code.OK;
        } catch (ReconfigException e) {
            log.info("Reconfig refused: {} ({})", e.reason(), e.getMessage());
            return switch (e.reason()) {
                case IN_PROGRESS -> Code.RECONFIGINPROGRESS;
                case BAD_VERSION -> Code.BADVERSION;
                case NO_QUORUM -> Code.NEWCONFIGNOQUORUM;
                case INVALID -> Code.BADARGUMENTS;
            };
        } catch (NotLeaderException e) {
            return Code.CONNECTIONLOSS; // leadership moved meanwhile: the client retries on the new leader
        }
    }

    private void updateRole() {
        Role now = node.role();
        boolean serving = node.isServing();
        Status was = status;
        int leaderId = node.leaderId();
        long nowEpoch = node.epochs().currentEpoch();
        if (was.role() != now || was.leader() != leaderId || was.epoch() != nowEpoch) {
            status = new Status(now, leaderId, nowEpoch); // after every step: no allocation unless it changed
        }

        if (now == lastRole && serving == lastServing) {
            return;
        }
        if (now != lastRole) {
            proposedAt.clear(); // proposals of an older leadership never report a latency
            roleListener.accept(lastRole, now);
        }
        log.info(
                "Server {}: {} -> {}{} (leader {}, epoch {})",
                myId,
                lastRole,
                now,
                serving ? ", serving" : "",
                node.leaderId(),
                node.epochs().currentEpoch());
        lastRole = now;
        lastServing = serving;
        if (serving) {
            notServingGeneration++;
        }
        if (!serving) {
            // Clients keep their connections through a short election (RequestPipeline.holdClients).
            pipeline.holdClients(now == Role.LOOKING ? "looking for a leader" : "syncing with the leader");
            if (readOnlyModeEnabled) {
                // As ZooKeeper: after max(2 s, tickTime) without a quorum, serve reads to clients that allow it.
                long generation = ++notServingGeneration;
                ticker.schedule(
                        () -> pipeline.submit(() -> {
                            if (generation == notServingGeneration && !node.isServing()) {
                                pipeline.serveReadOnly();
                            }
                        }),
                        Math.max(2000, tickTimeMs),
                        TimeUnit.MILLISECONDS);
            }
        } else if (now == Role.LEADING) {
            pipeline.serveAsLeader(node.lastZxid(), node.epochs().currentEpoch());
        } else {
            long currentEpoch = node.epochs().currentEpoch();
            pipeline.serveAsLearner(
                    forwarded.linkTo(node.leaderId(), currentEpoch), now == Role.OBSERVING, currentEpoch);
        }
    }

    private void send(int to, ForwardedMessage m) {
        outbox.enqueue(to, ForwardedMessage.encode(m));
        scheduleProcess();
    }

    // ---------------------------------------------------------------- ZabLog / ZabStateMachine (pipeline thread)

    @Override
    public long lastZxid() {
        return txnLog.lastZxid();
    }

    @Override
    public long firstZxid() {
        List<Long> segments = txnLog.segmentZxids();
        return segments.isEmpty() ? 0 : segments.get(0);
    }

    @Override
    public List<TxnRecord> read(long afterZxid, int max) {
        List<TxnRecord> cached = recent.read(afterZxid, max);
        if (cached != null) {
            older.close(); // past a DIFF from disk: no segment file stays open
            return cached;
        }
        try {
            return older.read(afterZxid, max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long appliedZxid() {
        return pipeline.state().tree().lastProcessedZxid();
    }

    @Override
    public byte[] snapshot() {
        return StateSnapshots.toBytes(pipeline.state());
    }

    // ---------------------------------------------------------------- views (any thread)

    public Role role() {
        return status.role();
    }

    public int leaderId() {
        return status.leader();
    }

    public long currentEpoch() {
        return status.epoch();
    }

    public Map<Integer, PeerStatus> peers() {
        return peerView;
    }

    public ProposalSizes proposalSizes() {
        return proposalSizes;
    }

    private volatile BiConsumer<Role, Role> roleListener = (from, to) -> {};

    /** Told of each role change (from, to) on the pipeline thread; for election metrics. */
    public void onRoleChange(BiConsumer<Role, Role> listener) {
        roleListener = listener;
    }

    /** Told the time from proposal to commit (nanoseconds) of every proposal this server makes as leader. */
    public void onProposalCommitted(LongConsumer listener) {
        commitLatencyListener = listener;
    }

    public boolean isConnected(int peerId) {
        return quorum.isConnected(peerId);
    }
}
