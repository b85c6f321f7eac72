package io.coordinator.trust.check;

import io.coordinator.trust.history.Kind;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Outcome;
import io.coordinator.trust.history.Paths;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.SubResult;
import io.coordinator.trust.history.WatchEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks each session's watch events against the acknowledged writes, walking the session's deliveries (replies
 * and events) in the order its client received them:
 * <ul>
 *   <li>a read with a watch arms it from the read's zxid: data (getData, exists of a node), exist (exists of no
 *       node) or child (getChildren);</li>
 *   <li>an event must consume an armed watch of its path and type (else it is a duplicate or stray), come for a
 *       change after the registration and for the first such change, name a txn that made that change, and
 *       come in zxid order;</li>
 *   <li>any reply at zxid r proves the client has every event for changes up to r: an armed watch with a known
 *       change in (registration, r] is a lost event. Every session ends with a read, so none can hide at the
 *       end, and this holds across reconnects (the client re-registers with setWatches).</li>
 * </ul>
 * Writes with an unknown outcome have no known zxid: an event at a zxid no known write has is accepted as
 * theirs, and they never count as a change an event is missing for.
 * <p>
 * A reconnect is modelled as ZooKeeper's setWatches does it: the client sends its watches with R, the zxid of
 * the last reply it received; the new server looks at its state at some zxid S between R and the first reply
 * on the new connection (U) and, per watch, either sends a catch-up event (no zxid) or re-arms it. An exist
 * watch is re-armed when the node is absent at S, so a create and delete both between R and S yield no event
 * (ZooKeeper documents this miss); the checker then takes the latest S in [R, U] at which the node was absent.
 * Data and child watches fire a catch-up for any change after R, so for them nothing is forgiven.
 */
public final class WatchChecker {
    private enum Armed {
        DATA,
        EXIST,
        CHILD
    }

    private static final Map<Armed, Set<String>> FIRES_ON = Map.of(
            Armed.DATA, Set.of("NodeDataChanged", "NodeDeleted"),
            Armed.EXIST, Set.of("NodeCreated"),
            Armed.CHILD, Set.of("NodeChildrenChanged", "NodeDeleted"));

    /** path -> zxid -> event types that zxid's txn makes on the path. */
    private static final int TRACE_LINES = 30;

    private final Map<String, TreeMap<Long, Set<String>>> changes = new HashMap<>();
    private final Set<Long> knownWriteZxids = new HashSet<>();
    /**
     * path -> zxid -> whether the node exists after that zxid's txn, for the txns that created or deleted it. Not
     * derivable from the event types: a multi may create and delete the same node (absent after) or delete and
     * create it (present after).
     */
    private final Map<String, TreeMap<Long, Boolean>> existsAfter = new HashMap<>();

    /** Paths an unknown-outcome write may have changed: a catch-up event there may be theirs. */
    private final Set<String> unknownWritePaths = new HashSet<>();

    private final List<Violation> violations = new ArrayList<>();

    private WatchChecker(List<Op> ops) {
        for (Op op : ops) {
            if (op.isKnownWrite()) {
                knownWriteZxids.add(op.zxid());
                if (op.result().outcome() == Outcome.OK) {
                    recordChanges(
                            op.req(), op.result().createdPath(), op.result().subs(), op.zxid());
                }
            } else if (op.isUnknownWrite()) {
                recordUnknown(op.req());
            }
        }
    }

    public static List<Violation> check(List<Op> ops, List<WatchEvent> events) {
        WatchChecker c = new WatchChecker(ops);
        Map<Long, List<Object>> bySession = new HashMap<>();
        for (Op op : ops) {
            if (op.session() != 0) {
                bySession.computeIfAbsent(op.session(), s -> new ArrayList<>()).add(op);
            }
        }
        for (WatchEvent e : events) {
            if (e.session() != 0) {
                bySession.computeIfAbsent(e.session(), s -> new ArrayList<>()).add(e);
            }
        }
        for (List<Object> deliveries : bySession.values()) {
            deliveries.sort(Comparator.comparingLong(d -> d instanceof Op o ? o.seq() : ((WatchEvent) d).seq()));
            c.walk(deliveries);
        }
        return c.violations;
    }

    private void recordChanges(Request r, String createdPath, List<SubResult> subs, long zxid) {
        switch (r.kind()) {
            case CREATE -> {
                String path = createdPath != null ? createdPath : r.path();
                add(path, zxid, "NodeCreated");
                add(Paths.parent(path), zxid, "NodeChildrenChanged");
                existsAfter.computeIfAbsent(path, p -> new TreeMap<>()).put(zxid, true); // a multi's later op wins
            }
            case DELETE -> {
                add(r.path(), zxid, "NodeDeleted");
                add(Paths.parent(r.path()), zxid, "NodeChildrenChanged");
                existsAfter.computeIfAbsent(r.path(), p -> new TreeMap<>()).put(zxid, false);
            }
            case SET -> add(r.path(), zxid, "NodeDataChanged");
            case MULTI -> {
                for (int i = 0; i < r.subs().size(); i++) {
                    String created = i < subs.size() ? subs.get(i).createdPath() : null;
                    recordChanges(r.subs().get(i), created, List.of(), zxid);
                }
            }
            default -> {}
        }
    }

    private void recordUnknown(Request r) {
        if (r.kind() == Kind.MULTI) {
            r.subs().forEach(this::recordUnknown);
        } else if (r.path() != null) {
            // A sequential create's name is unknown: its parent (and any child of it) may have changed.
            unknownWritePaths.add(r.path());
            unknownWritePaths.add(Paths.parent(r.path()));
        }
    }

    private void add(String path, long zxid, String type) {
        changes.computeIfAbsent(path, p -> new TreeMap<>())
                .computeIfAbsent(zxid, z -> new HashSet<>())
                .add(type);
    }

    /**
     * An armed watch. {@code reconnectR} is set (>= 0) while the watch waits for the first reply after a
     * reconnect to learn where the new server's setWatches left it; -1 otherwise.
     */
    private record Watch(String path, Armed kind, long since, Op registeredBy, long reconnectR) {
        Watch(String path, Armed kind, long since, Op registeredBy) {
            this(path, kind, since, registeredBy, -1);
        }

        Watch carriedOver(long r) {
            return new Watch(path, kind, since, registeredBy, r);
        }

        Watch rearmedAt(long s) {
            return new Watch(path, kind, Math.max(since, s), registeredBy, -1);
        }
    }

    /** The session being walked and how far: for the trace a report shows. */
    private List<Object> current = List.of();

    private int position;

    private void walk(List<Object> deliveries) {
        current = deliveries;
        Map<String, Watch> armed = new HashMap<>();
        long lastEventZxid = 0;
        long lastReplyZxid = 0;
        for (position = 0; position < deliveries.size(); position++) {
            Object d = deliveries.get(position);
            if (d instanceof WatchEvent e) {
                if (!e.isNodeEvent()) {
                    if ("Expired".equals(e.state()) || "Closed".equals(e.state()) || "Abandoned".equals(e.state())) {
                        return; // the session's watches are gone with it
                    }
                    if ("SyncConnected".equals(e.state()) && e.connection() > 1) {
                        long r = lastReplyZxid;
                        armed.replaceAll((key, w) -> w.carriedOver(r)); // the client re-sends them with setWatches
                    }
                    continue;
                }
                if (e.zxid() > 0 && e.zxid() < lastEventZxid) {
                    violations.add(new Violation(
                            Violation.Category.WATCH,
                            "events out of zxid order",
                            List.of("after an event at 0x" + Long.toHexString(lastEventZxid), e.toString())));
                }
                lastEventZxid = Math.max(lastEventZxid, e.zxid());
                consume(armed, e);
            } else {
                Op op = (Op) d;
                Result r = op.result();
                if (r.zxid() > 0) {
                    lastReplyZxid = Math.max(lastReplyZxid, r.zxid());
                    resolveReconnect(armed, r.zxid());
                }
                if (r.zxid() > 0 && (r.outcome() == Outcome.OK || op.isAnsweredRead())) {
                    missing(armed, op);
                }
                arm(armed, op);
            }
        }
    }

    private void consume(Map<String, Watch> armed, WatchEvent e) {
        List<Watch> hit = new ArrayList<>();
        for (Armed kind : Armed.values()) {
            Watch w = armed.get(e.path() + "|" + kind);
            if (w != null && FIRES_ON.get(kind).contains(e.type())) {
                hit.add(w);
            }
        }
        if (hit.isEmpty()) {
            violations.add(new Violation(
                    Violation.Category.WATCH,
                    "an event with no watch armed for it (duplicate, or for an unregistered watch)",
                    withTrace(List.of(e.toString()), e.path(), 0)));
            return;
        }
        for (Watch hitWatch : hit) {
            armed.remove(hitWatch.path() + "|" + hitWatch.kind());
            // A real event after a reconnect: setWatches had re-armed the watch before that event's txn.
            Watch w = e.zxid() > 0 ? resolved(hitWatch, e.zxid() - 1) : hitWatch;
            if (e.zxid() <= 0) {
                // A setWatches catch-up carries no zxid; it must at least follow a change that fires the watch.
                if (w.reconnectR() < 0) {
                    violations.add(new Violation(
                            Violation.Category.WATCH,
                            "an event without a zxid outside a reconnect",
                            List.of("armed by " + w.registeredBy(), e.toString())));
                } else if (firstChange(w, w.since(), Long.MAX_VALUE) == null && !unknownWritePaths.contains(w.path())) {
                    violations.add(new Violation(
                            Violation.Category.WATCH,
                            "a setWatches catch-up event for no change",
                            List.of("armed by " + w.registeredBy(), e.toString())));
                }
                continue;
            }
            if (e.zxid() <= w.since()) {
                violations.add(new Violation(
                        Violation.Category.WATCH,
                        "an event for a change the watch's read had already seen",
                        withTrace(
                                List.of("armed by " + w.registeredBy(), e.toString()),
                                w.path(),
                                w.registeredBy().seq())));
                continue;
            }
            Long first = firstChange(w, w.since(), e.zxid() - 1);
            if (first != null) {
                violations.add(new Violation(
                        Violation.Category.WATCH,
                        "the event came for a later change than the first one after the watch was set",
                        withTrace(
                                List.of(
                                        "armed by " + w.registeredBy(),
                                        "first change at 0x" + Long.toHexString(first),
                                        e.toString()),
                                w.path(),
                                w.registeredBy().seq())));
            }
        }
        if (e.zxid() > 0 && knownWriteZxids.contains(e.zxid())) {
            Set<String> made = changes.getOrDefault(e.path(), new TreeMap<>()).getOrDefault(e.zxid(), Set.of());
            if (!made.contains(e.type())) {
                violations.add(new Violation(
                        Violation.Category.WATCH,
                        "the event's txn made no such change",
                        List.of(
                                e.toString(),
                                "txn 0x" + Long.toHexString(e.zxid()) + " made " + made + " on " + e.path())));
            }
        }
    }

    /**
     * The first reply after a reconnect, at zxid {@code u}: the new server ran setWatches at some S in [R, u].
     * A watch still armed here was re-armed, not caught up. An exist watch is re-armed when its node is absent
     * at S: take the latest such S (a create and delete before it went unseen, as in ZooKeeper); if there is
     * none, leave the watch as it was and let {@link #missing} report the create it owed. Data and child
     * watches are re-armed only when nothing changed after R, so their registration point stands.
     */
    private void resolveReconnect(Map<String, Watch> armed, long u) {
        armed.replaceAll((key, w) -> resolved(w, u));
    }

    /** {@code w} as setWatches left it, known to have run at a zxid no later than {@code u}. */
    private Watch resolved(Watch w, long u) {
        if (w.reconnectR() < 0) {
            return w;
        }
        if (w.kind() != Armed.EXIST) {
            return w.rearmedAt(w.since());
        }
        Long s = latestAbsence(w, w.reconnectR(), u);
        return w.rearmedAt(s == null ? w.since() : s);
    }

    /** The latest zxid in [from, to] at which the exist watch's node was absent (it was at the watch's read). */
    private Long latestAbsence(Watch w, long from, long to) {
        TreeMap<Long, Boolean> byZxid = existsAfter.getOrDefault(w.path(), new TreeMap<>());
        boolean absent = true;
        Long latest = null;
        for (Map.Entry<Long, Boolean> c :
                byZxid.subMap(w.since(), false, to, true).entrySet()) {
            if (absent && c.getKey() - 1 >= from) {
                latest = c.getKey() - 1; // absent up to just before this change
            }
            absent = !c.getValue();
        }
        return absent && to >= from ? Long.valueOf(to) : latest;
    }

    private void missing(Map<String, Watch> armed, Op reply) {
        for (Watch w : List.copyOf(armed.values())) {
            Long first = firstChange(w, w.since(), reply.zxid());
            if (first != null) {
                violations.add(new Violation(
                        Violation.Category.WATCH,
                        "a reply showing newer state came before the watch event (event lost or late)",
                        withTrace(
                                List.of(
                                        "armed by " + w.registeredBy(),
                                        "change at 0x" + Long.toHexString(first) + " "
                                                + changes.get(w.path()).get(first) + " on " + w.path(),
                                        "reply: " + reply),
                                w.path(),
                                w.registeredBy().seq())));
                armed.remove(w.path() + "|" + w.kind()); // report it once
            }
        }
    }

    /**
     * The lines of a watch violation, then the session's trace: its last deliveries (from seq {@code fromSeq}) on
     * the path or about its connection, and every known change of the path.
     */
    private List<String> withTrace(List<String> lines, String path, long fromSeq) {
        List<String> out = new ArrayList<>(lines);
        List<Object> trace = new ArrayList<>();
        for (int i = 0; i <= Math.min(position, current.size() - 1); i++) {
            Object d = current.get(i);
            boolean relevant = d instanceof WatchEvent e
                    ? e.seq() >= fromSeq && (!e.isNodeEvent() || path.equals(e.path()))
                    : ((Op) d).seq() >= fromSeq && path.equals(((Op) d).req().path());
            if (relevant) {
                trace.add(d);
            }
        }
        trace = trace.subList(Math.max(0, trace.size() - TRACE_LINES), trace.size());
        out.add("session trace (last " + trace.size() + " deliveries on " + path + " or its connection):");
        long firstZxid = Long.MAX_VALUE;
        for (Object d : trace) {
            out.add("  " + d);
            if (d instanceof Op op && op.zxid() > 0) {
                firstZxid = Math.min(firstZxid, op.zxid());
            }
        }
        out.add("known changes of " + path + " from the trace's first reply on: "
                + changes
                        .getOrDefault(path, new TreeMap<>())
                        .tailMap(firstZxid == Long.MAX_VALUE ? 0 : firstZxid, true)
                        .entrySet()
                        .stream()
                        .limit(TRACE_LINES)
                        .map(c -> "0x" + Long.toHexString(c.getKey()) + " " + c.getValue())
                        .toList());
        return out;
    }

    /** The first known change in (from, to] that fires {@code w}, or null. */
    private Long firstChange(Watch w, long from, long to) {
        TreeMap<Long, Set<String>> byZxid = changes.get(w.path());
        if (byZxid == null || to <= from) {
            return null;
        }
        for (Map.Entry<Long, Set<String>> c :
                byZxid.subMap(from, false, to, true).entrySet()) {
            for (String t : c.getValue()) {
                if (FIRES_ON.get(w.kind()).contains(t)) {
                    return c.getKey();
                }
            }
        }
        return null;
    }

    private static void arm(Map<String, Watch> armed, Op op) {
        Request q = op.req();
        if (!q.watch() || !op.isAnsweredRead()) {
            return;
        }
        boolean absent = op.result().outcome() == Outcome.FAIL;
        Armed kind;
        if (q.kind() == Kind.GET) {
            if (absent) {
                return; // getData of no node sets no watch
            }
            kind = Armed.DATA;
        } else if (q.kind() == Kind.EXISTS) {
            kind = absent ? Armed.EXIST : Armed.DATA;
        } else if (q.kind() == Kind.CHILDREN && !absent) {
            kind = Armed.CHILD;
        } else {
            return;
        }
        armed.putIfAbsent(q.path() + "|" + kind, new Watch(q.path(), kind, op.zxid(), op));
    }
}
