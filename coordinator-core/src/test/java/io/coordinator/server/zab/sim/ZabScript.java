package io.coordinator.server.zab.sim;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.NotLeaderException;
import io.coordinator.server.zab.Peer;
import io.coordinator.server.zab.ReconfigException;
import io.coordinator.server.zab.Role;
import io.coordinator.server.zab.ZabConfig;
import io.coordinator.server.zab.ZabMessage;
import io.coordinator.server.zab.ZabMessage.*;
import io.coordinator.server.zab.ZabNode;
import io.coordinator.server.zab.sim.ScriptedCluster.Envelope;
import io.coordinator.server.zab.sim.ScriptedCluster.Fate;
import io.coordinator.server.zab.sim.ScriptedCluster.InvariantViolation;
import io.coordinator.server.zab.sim.ScriptedCluster.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The commands of the ZAB scripts ({@code testdata/*.txt}), run on a {@link ScriptedCluster}. Every command
 * prints what a reader needs to follow the protocol; see {@code testdata/README.md} for the list. An invariant
 * violation fails the script (it is never printed as output, so a rewrite cannot accept one), except under
 * {@code claim} and {@code apply}, whose point is to show that the harness flags the unsafe act.
 */
final class ZabScript {
    private ScriptedCluster cluster;
    private final List<String> out = new ArrayList<>();
    private boolean quiet; // while true, messages taken off the network are not printed

    /** Runs one command line and returns its output (each line ended by a newline). */
    String run(String line) {
        out.clear();
        List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        String command = words.remove(0);
        Map<String, String> opts = new HashMap<>();
        words.removeIf(w -> {
            int eq = w.indexOf('=');
            if (eq > 0) {
                opts.put(w.substring(0, eq), w.substring(eq + 1));
                return true;
            }
            return false;
        });
        if (cluster == null && !command.equals("add-nodes")) {
            throw new IllegalArgumentException("add-nodes first");
        }
        switch (command) {
            case "add-nodes" -> {
                cluster = new ScriptedCluster(
                        Integer.parseInt(words.get(0)),
                        Integer.parseInt(opts.getOrDefault("observers", "0")),
                        Integer.parseInt(opts.getOrDefault("spares", "0")));
                cluster.listener = this::taken;
            }
            case "seed" ->
                cluster.seed(id(words.get(0)), Long.parseLong(opts.get("epoch")), Integer.parseInt(opts.get("txns")));
            case "start", "restart" -> ids(words).forEach(cluster::start);
            case "crash" -> crash(words, opts);
            case "tick" -> {
                for (int t = 0; t < (words.isEmpty() ? 1 : Integer.parseInt(words.get(0))); t++) {
                    cluster.tick();
                }
            }
            case "run" -> run(Integer.parseInt(words.get(0)), opts.get("until"));
            case "deliver" -> cluster.deliverWhere(matching(words, opts));
            case "drop" -> drop(matching(words, opts));
            case "partition" -> cluster.partition(groups(words));
            case "isolate" -> cluster.isolate(id(words.get(0)));
            case "heal" -> cluster.heal();
            case "fsync" -> ids(words).forEach(cluster::fsync);
            case "auto-fsync" ->
                cluster.node(id(words.get(0))).autoFsync = words.get(1).equals("on");
            case "write" -> write(words.get(0), words.get(1));
            case "await-leader" -> out.add("leader " + quietly(cluster::awaitLeader));
            case "stabilize" -> stabilize();
            case "status" -> (words.isEmpty() ? all() : ids(words)).forEach(this::status);
            case "history" -> history(cluster.node(id(words.get(0))));
            case "sent" -> sent(id(words.get(0)), words.get(1));
            case "get" -> get(cluster.node(id(words.get(0))), words.get(1));
            case "inject" -> inject(id(words.get(0)), id(opts.get("from")), words.get(1), opts);
            case "disconnect" -> {
                Node n = cluster.node(id(words.get(0)));
                n.zab.peerDisconnected(id(opts.get("peer")));
                cluster.drain(n);
            }
            case "claim" -> claim(cluster.node(id(words.get(0))), words.get(1), opts.get("zxid"));
            case "apply" -> apply(cluster.node(id(words.get(0))));
            case "join" ->
                cluster.join(
                        id(words.get(0)),
                        quietly(cluster::awaitLeader),
                        words.size() > 1 && words.get(1).equals("observer"));
            case "reconfig" -> reconfig(words.get(0), opts.get("members"), opts.getOrDefault("from", "-1"));
            case "config" -> (words.isEmpty() ? all() : ids(words)).forEach(this::config);
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
        return out.stream().map(l -> l + "\n").collect(Collectors.joining());
    }

    /** {@code crash IDS [mode=M keep=N]}: a power loss or kill that keeps N of each node's unsynced records. */
    private void crash(List<String> words, Map<String, String> opts) {
        String mode = opts.get("mode");
        if (mode == null) {
            ids(words).forEach(cluster::crash);
            return;
        }
        SimDisk.CrashMode m = SimDisk.CrashMode.valueOf(mode.toUpperCase().replace('-', '_'));
        int keep = Integer.parseInt(opts.getOrDefault("keep", "0"));
        for (int id : ids(words)) {
            SimDisk.CrashResult r = cluster.crash(id, m, keep);
            SimDisk d = cluster.node(id).disk;
            out.add(id + ": " + mode + " kept " + r.kept() + " of " + r.unsynced() + " unsynced"
                    + (r.torn() ? ", the next one torn and cut" : "") + "; disk last="
                    + ZabText.zxid(d.lastZxid()) + " durable=" + ZabText.zxid(d.durableZxid()));
        }
    }

    private void taken(Envelope e, Fate fate) {
        if (!quiet) {
            out.add(ZabText.envelope(e)
                    + switch (fate) {
                        case DELIVERED -> "";
                        case LOST_CUT -> "  (lost: partitioned)";
                        case LOST_DOWN -> "  (lost: " + e.to() + " is down)";
                    });
        }
    }

    private int quietly(IntSupplier action) {
        quiet = true;
        try {
            return action.getAsInt();
        } finally {
            quiet = false;
        }
    }

    /**
     * Up to {@code rounds} rounds of a tick and delivering everything, stopping early once {@code until}
     * ({@code id:ROLE}) holds; prints only the role changes.
     */
    private void run(int rounds, String until) {
        String before = roles();
        int done = quietly(() -> {
            for (int r = 1; r <= rounds; r++) {
                cluster.tick();
                cluster.deliver();
                if (until != null && holds(until)) {
                    return r;
                }
            }
            return rounds;
        });
        String after = roles();
        out.add((before.equals(after) ? "roles unchanged: " + after : "roles: " + before + " -> " + after) + " (" + done
                + " rounds)");
    }

    private boolean holds(String condition) {
        String[] p = condition.split(":");
        Node n = cluster.node(id(p[0]));
        return n.up && n.zab.role() == Role.valueOf(p[1]);
    }

    private void stabilize() {
        quietly(() -> {
            cluster.awaitConverged();
            return 0;
        });
        for (int i : all()) {
            Node n = cluster.node(i);
            if (n.up && n.zab.role() == Role.LEADING) {
                out.add("leader " + i + " in epoch " + n.disk.epochs.currentEpoch() + ", every up node applied through "
                        + ZabText.zxid(n.zab.lastZxid()));
            }
        }
    }

    private String roles() {
        return all().stream()
                .map(i -> {
                    Node n = cluster.node(i);
                    return i + "=" + (n.up ? n.zab.role().name() : "down");
                })
                .collect(Collectors.joining(" "));
    }

    private void drop(Predicate<Envelope> which) {
        for (Envelope e : cluster.inflight) {
            if (which.test(e)) {
                out.add("dropped " + ZabText.envelope(e));
            }
        }
        cluster.drop(which);
    }

    private void write(String on, String path) {
        int id = on.equals("leader") ? quietly(cluster::awaitLeader) : id(on);
        try {
            out.add(ZabText.zxid(cluster.write(id, path)));
        } catch (NotLeaderException e) {
            out.add("refused: " + e.getMessage());
        }
    }

    private void reconfig(String on, String members, String from) {
        int id = on.equals("leader") ? quietly(cluster::awaitLeader) : id(on);
        List<Peer> peers = new ArrayList<>();
        for (String m : members.split(",")) {
            boolean observer = m.endsWith("o");
            peers.add(new Peer(id(observer ? m.substring(0, m.length() - 1) : m), observer));
        }
        try {
            long version = from.equals("-1") ? -1 : ZabText.parseZxid(from);
            out.add(ZabText.zxid(cluster.reconfig(id, peers, version)));
        } catch (ReconfigException e) {
            out.add("refused: " + e.reason() + ": " + e.getMessage());
        } catch (NotLeaderException e) {
            out.add("refused: " + e.getMessage());
        }
    }

    /** The node's committed config (version and members) and the pending one, if any. */
    private void config(int i) {
        Node n = cluster.node(i);
        if (!n.up) {
            out.add(i + ": down");
            return;
        }
        ZabNode z = n.zab;
        ZabConfig pending = z.pendingConfig();
        out.add(i + ": " + (z.isRemoved() ? "removed, " : "") + "config "
                + ZabText.zxid(z.config().version()) + " ["
                + SimConfigs.describe(z.config().peers()) + "]"
                + (pending == null
                        ? ""
                        : " pending " + ZabText.zxid(pending.version()) + " [" + SimConfigs.describe(pending.peers())
                                + "]"));
    }

    private void status(int i) {
        Node n = cluster.node(i);
        if (!n.up) {
            out.add(i + ": down, disk last=" + ZabText.zxid(n.disk.lastZxid()) + " durable="
                    + ZabText.zxid(n.durableZxid()) + " " + ZabText.epochs(n.disk.epochs));
            return;
        }
        ZabNode z = n.zab;
        String role = z.role() + (z.role() == Role.FOLLOWING || z.role() == Role.OBSERVING ? " " + z.leaderId() : "");
        out.add(i + ": " + role + (z.isServing() ? " serving" : "") + (z.isRemoved() ? " removed" : "") + " "
                + ZabText.epochs(n.disk.epochs)
                + " last=" + ZabText.zxid(z.lastZxid()) + " durable=" + ZabText.zxid(z.durableZxid())
                + " committed=" + ZabText.zxid(z.committedZxid()) + " applied=" + ZabText.zxid(n.appliedZxid()));
    }

    private void history(Node n) {
        SimDisk d = n.disk;
        out.add("log: "
                + (d.log.isEmpty()
                        ? "empty"
                        : d.log.stream().map(r -> ZabText.zxid(r.zxid())).collect(Collectors.joining(" ")))
                + ", durable through " + ZabText.zxid(d.durableZxid()));
        out.add(ZabText.epochs(d.epochs) + " promised to " + d.epochs.acceptedFrom() + ", snapshot at "
                + ZabText.zxid(d.snapshot == null ? 0 : d.snapshotZxid));
        List<String> cuts = n.readies.stream()
                .filter(r -> r.truncateAfter() >= 0)
                .map(r -> ZabText.zxid(r.truncateAfter()))
                .toList();
        out.add("truncated after: " + (cuts.isEmpty() ? "never" : String.join(" ", cuts)));
        if (n.up) {
            out.add("applied: "
                    + (n.appliedZxids.isEmpty()
                            ? "none"
                            : n.appliedZxids.stream().map(ZabText::zxid).collect(Collectors.joining(" "))));
        }
    }

    private void sent(int id, String type) {
        List<String> seen = cluster.sent.stream()
                .filter(e ->
                        e.from() == id && e.message().getClass().getSimpleName().equals(type))
                .map(ZabText::envelope)
                .toList();
        out.add(seen.size() + " " + type + " sent by " + id
                + (seen.isEmpty() ? "" : ", the last: " + seen.get(seen.size() - 1)));
    }

    private void get(Node n, String path) {
        out.add(path + (n.tree.getNode(path) == null ? ": no node" : ": exists"));
    }

    /**
     * Steps a hand-made message into a node. A {@code LeaderInfo} goes to the node's latest learner session (the
     * one its last FOLLOWERINFO announced) unless {@code session=} is given.
     */
    private void inject(int to, int from, String type, Map<String, String> o) {
        long epoch = Long.parseLong(o.getOrDefault("epoch", "0"));
        long zxid = ZabText.parseZxid(o.getOrDefault("zxid", "0"));
        ZabMessage m = switch (type) {
            case "Notification" ->
                new Notification(
                        id(o.get("vote")),
                        zxid,
                        epoch,
                        Long.parseLong(o.getOrDefault("round", "1")),
                        Role.valueOf(o.get("state")));
            case "LeaderInfo" -> new LeaderInfo(session(to, o), epoch);
            case "Proposal" -> new Proposal(session(to, o), epoch, Long.parseLong(o.get("seq")), fake(zxid));
            case "Commit" -> new Commit(session(to, o), epoch, Long.parseLong(o.get("seq")), zxid);
            default -> throw new IllegalArgumentException("cannot inject " + type);
        };
        Node n = cluster.node(to);
        n.zab.step(from, m);
        cluster.drain(n);
    }

    private long session(int learner, Map<String, String> o) {
        if (o.containsKey("session")) {
            return Long.parseLong(o.get("session"));
        }
        for (int k = cluster.sent.size() - 1; k >= 0; k--) {
            Envelope e = cluster.sent.get(k);
            if (e.from() == learner && e.message() instanceof FollowerInfo f) {
                return f.session();
            }
        }
        throw new IllegalArgumentException("server " + learner + " sent no FOLLOWERINFO");
    }

    private static TxnRecord fake(long zxid) {
        Txn txn = new Txn.Create("/injected", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 0);
        return new TxnRecord(new TxnHeader(1, 1, zxid, 0, txn.type()), txn);
    }

    /** Would a message of {@code type} from node {@code n} claiming {@code zxid} pass the durability check? */
    private void claim(Node n, String type, String zxidArg) {
        long zxid = zxidArg.equals("last+1") ? n.zab.lastZxid() + 1 : ZabText.parseZxid(zxidArg);
        long epoch = n.disk.epochs.currentEpoch();
        ZabMessage m = switch (type) {
            case "AckNewLeader" -> new AckNewLeader(1, epoch, zxid);
            case "Ack" -> new Ack(1, epoch, zxid);
            default -> throw new IllegalArgumentException("cannot claim with " + type);
        };
        try {
            cluster.checkDurableClaim(n, m);
            out.add("allowed: " + ZabText.message(m));
        } catch (InvariantViolation v) {
            out.add("flagged: " + v.getMessage());
        }
    }

    /** Would applying the node's last logged record now pass the check that the tree never runs ahead of the log? */
    private void apply(Node n) {
        TxnRecord last = n.disk.log.get(n.disk.log.size() - 1);
        try {
            cluster.apply(n, last);
            out.add("allowed: " + ZabText.record(last));
        } catch (InvariantViolation v) {
            out.add("flagged: " + v.getMessage());
        }
    }

    /** Message filter: type names (any), {@code except=} type names, {@code from=}, {@code to=}. */
    private static Predicate<Envelope> matching(List<String> types, Map<String, String> o) {
        List<String> except = o.containsKey("except") ? List.of(o.get("except").split(",")) : List.of();
        int from = o.containsKey("from") ? Integer.parseInt(o.get("from")) : -1;
        int to = o.containsKey("to") ? Integer.parseInt(o.get("to")) : -1;
        return e -> {
            String t = e.message().getClass().getSimpleName();
            return (types.isEmpty() || types.contains(t))
                    && !except.contains(t)
                    && (from < 0 || e.from() == from)
                    && (to < 0 || e.to() == to);
        };
    }

    private List<Integer> all() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            ids.add(i);
        }
        return ids;
    }

    private List<Integer> ids(List<String> words) {
        return words.size() == 1 && words.get(0).equals("all")
                ? all()
                : words.stream().map(ZabScript::id).toList();
    }

    private static int id(String s) {
        return Integer.parseInt(s);
    }

    /** {@code 1 | 2 3} */
    private static List<List<Integer>> groups(List<String> words) {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (String w : words) {
            if (w.equals("|")) {
                groups.add(current);
                current = new ArrayList<>();
            } else {
                current.add(id(w));
            }
        }
        groups.add(current);
        return groups;
    }
}
