package io.coordinator.server.zab;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.ZabMessage.*;
import io.coordinator.server.zab.sim.ZabText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One real {@link ZabNode} for the role tables ({@link LeaderTest}, {@link LearnerTest}): an in-memory disk, its
 * Readies carried out by the {@link ReadyExecutor}, fsyncs only when the table says so, and what it sends kept
 * as text ({@code "2 Diff #1 1.3"}, in {@link ZabText}'s words). Servers 1 to 3 vote, 4 observes.
 */
final class OneNode implements ZabLog, ZabStateMachine {
    static final int OBSERVER = 4;

    final ZabNode node;
    private final ReadyExecutor executor;
    private final List<TxnRecord> log = new ArrayList<>();
    private long base; // the zxid the log continues from (after a snapshot)
    private long applied;
    private long toSync = -1; // the last record written and not yet reported durable
    private long toSyncGeneration; // the log generation it was written in
    private final List<String> sent = new ArrayList<>();
    private long learnerSession; // the session of this learner's last FOLLOWERINFO / OBSERVERINFO
    private long learnerEpoch; // the epoch of the last LEADERINFO it was given

    /**
     * Server {@code myId} with the durable log {@code history} (zxids as {@code epoch.counter}, space separated,
     * may be empty), the applied state at {@code appliedZxid} and the epochs {@code accepted/current}.
     */
    OneNode(int myId, String history, String appliedZxid, String epochs) {
        for (String z : history.isBlank() ? new String[0] : history.trim().split(" +")) {
            log.add(record(ZabText.parseZxid(z)));
        }
        applied = ZabText.parseZxid(appliedZxid);
        String[] e = epochs.split("/");
        List<Peer> peers = List.of(new Peer(1, false), new Peer(2, false), new Peer(3, false), new Peer(4, true));
        node = new ZabNode(
                new ZabConfig(myId, peers, 10, 5),
                new Epochs(Long.parseLong(e[0]), Long.parseLong(e[1]), -1),
                this,
                this,
                myId);
        executor = new ReadyExecutor(
                epochs1 -> {},
                new ReadyExecutor.LogAppender() {
                    public void truncateAfter(long zxid) {
                        log.removeIf(r -> r.zxid() > zxid);
                    }

                    public void append(TxnRecord record) {
                        log.add(record);
                    }

                    public void sync(long lastZxid, long logGeneration) {
                        toSync = lastZxid;
                        toSyncGeneration = logGeneration;
                    }
                },
                snapshot -> {
                    log.clear();
                    base = snapshot.zxid();
                    applied = snapshot.zxid();
                },
                out -> {
                    if (out.message() instanceof LearnerInfo info) {
                        learnerSession = info.session();
                    }
                    sent.add(out.to() + " " + ZabText.message(out.message()));
                },
                record -> applied = record.zxid(),
                ReadyExecutor.Checkpoint.NONE);
        take();
    }

    static TxnRecord record(long zxid) {
        Txn t = new Txn.Create("/n" + Zxids.counterOf(zxid), new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0);
        return new TxnRecord(new TxnHeader(1, 1, zxid, 0, t.type()), t);
    }

    /** Makes this node lead: servers 2 and 3 vote for it in its first round. */
    OneNode lead() {
        for (int peer = 2; peer <= 3; peer++) {
            node.step(
                    peer,
                    new Notification(node.myId, node.lastZxid(), node.epochs().currentEpoch(), 1, Role.LOOKING));
        }
        settled(Role.LEADING);
        take(); // the election's notifications
        return this;
    }

    /** Makes this node follow (or observe) server {@code leader}, which says it leads and server 3 follows it. */
    OneNode follow(int leader) {
        node.step(leader, new Notification(leader, 0, 0, 1, Role.LEADING));
        node.step(3, new Notification(leader, 0, 0, 1, Role.FOLLOWING));
        return settled(node.observer() ? Role.OBSERVING : Role.FOLLOWING);
    }

    private OneNode settled(Role role) {
        if (node.role() != role) {
            throw new AssertionError("server " + node.myId + " is " + node.role() + ", not " + role);
        }
        return this;
    }

    /**
     * Runs a script, {@code ;}-separated, and returns what was sent. To a leader, from learner {@code id} (session
     * {@code id}, or {@code @s}): {@code info id accepted last applied}, {@code ackepoch id current last},
     * {@code refused id}, {@code acknl id zxid}, {@code ack id zxid}, {@code ping id zxid}; {@code propose}. To a
     * learner, from leader 1 in its current session (or {@code @s}): {@code leaderinfo epoch}, {@code diff|trunc|
     * snap|proposal|inform|commit|newleader #seq zxid}, {@code uptodate #seq}, {@code ping #seq zxid},
     * {@code disconnect}. To either: {@code fsync}, {@code tick [n]}. Zxids as {@code epoch.counter}.
     */
    List<String> run(String script) {
        for (String command : script.split(";")) {
            String c = command.trim();
            if (!c.isEmpty()) {
                step(c);
            }
        }
        return take();
    }

    private void step(String command) {
        List<String> words = new ArrayList<>(List.of(command.split(" +")));
        Long session = null;
        if (words.get(words.size() - 1).startsWith("@")) {
            session = Long.parseLong(words.remove(words.size() - 1).substring(1));
        }
        String verb = words.get(0);
        drain(); // inputs only between Readies, as the driver feeds them
        switch (verb) {
            case "fsync" -> fsync();
            case "tick" -> {
                int n = words.size() > 1 ? Integer.parseInt(words.get(1)) : 1;
                for (int i = 0; i < n; i++) {
                    node.tick();
                    drain();
                }
            }
            case "propose" -> node.propose(1, 1, 0, new Txn.Create("/w", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0));
            case "disconnect" -> node.peerDisconnected(1);
            case "info", "ackepoch", "refused", "acknl", "ack" -> toLeader(verb, words, session);
            case "ping" -> {
                if (node.role() == Role.LEADING) {
                    toLeader(verb, words, session);
                } else {
                    toLearner(verb, words, session);
                }
            }
            default -> toLearner(verb, words, session);
        }
    }

    private void toLeader(String verb, List<String> w, Long s) {
        int from = Integer.parseInt(w.get(1));
        long session = s != null ? s : from;
        long epoch = node.epochs().acceptedEpoch(); // the leader's new epoch, once chosen
        ZabMessage m = switch (verb) {
            case "info" ->
                from == OBSERVER
                        ? new ObserverInfo(session, Long.parseLong(w.get(2)), z(w.get(3)), z(w.get(4)))
                        : new FollowerInfo(session, Long.parseLong(w.get(2)), z(w.get(3)), z(w.get(4)));
            case "ackepoch" -> new AckEpoch(session, epoch, Long.parseLong(w.get(2)), z(w.get(3)));
            case "refused" -> new EpochRefused(session, epoch, epoch);
            case "acknl" -> new AckNewLeader(session, epoch, z(w.get(2)));
            case "ack" -> new Ack(session, epoch, z(w.get(2)));
            case "ping" -> new Ping(session, epoch, 0, z(w.get(2)));
            default -> throw new IllegalArgumentException(verb);
        };
        node.step(from, m);
    }

    private void toLearner(String verb, List<String> w, Long s) {
        long session = s != null ? s : learnerSession;
        if (verb.equals("leaderinfo")) {
            learnerEpoch = Long.parseLong(w.get(1));
            node.step(1, new LeaderInfo(session, learnerEpoch));
            return;
        }
        long e = learnerEpoch;
        long seq = Long.parseLong(w.get(1).substring(1));
        long zxid = w.size() > 2 ? z(w.get(2)) : 0;
        ZabMessage m = switch (verb) {
            case "diff" -> new Diff(session, e, seq, zxid);
            case "trunc" -> new Trunc(session, e, seq, zxid);
            case "snap" ->
                new Snap(session, e, seq, zxid, new byte[0], 0, node.config().peers());
            case "proposal" -> new Proposal(session, e, seq, record(zxid));
            case "inform" -> new Inform(session, e, seq, record(zxid));
            case "commit" -> new Commit(session, e, seq, zxid);
            case "newleader" -> new NewLeader(session, e, seq, zxid);
            case "uptodate" -> new UpToDate(session, e, seq);
            case "ping" -> new Ping(session, e, seq, zxid);
            default -> throw new IllegalArgumentException("unknown command " + verb);
        };
        node.step(1, m);
    }

    private static long z(String s) {
        return ZabText.parseZxid(s);
    }

    /** Carries out every Ready: what was sent since the last call, in order. */
    List<String> take() {
        drain();
        List<String> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    private void drain() {
        try {
            while (executor.step(node) == ReadyExecutor.Outcome.DONE) {}
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fsync of everything written so far completes. */
    void fsync() {
        drain();
        if (toSync >= 0) {
            long z = toSync;
            toSync = -1;
            node.persisted(z, toSyncGeneration);
        }
    }

    /** What the tables check besides the messages. */
    String state() {
        return node.role() + " serving=" + node.isServing() + " " + ZabText.epochs(node.epochs()) + " log="
                + ZabText.zxid(lastZxid()) + " committed=" + ZabText.zxid(node.committedZxid()) + " applied="
                + ZabText.zxid(applied);
    }

    @Override
    public long lastZxid() {
        return log.isEmpty() ? base : log.get(log.size() - 1).zxid();
    }

    @Override
    public long firstZxid() {
        return log.isEmpty() ? 0 : log.get(0).zxid();
    }

    @Override
    public List<TxnRecord> read(long afterZxid, int max) {
        return log.stream().filter(r -> r.zxid() > afterZxid).limit(max).toList();
    }

    @Override
    public long appliedZxid() {
        return applied;
    }

    @Override
    public byte[] snapshot() {
        return new byte[0];
    }
}
