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
 */
public final class WatchChecker {
    private enum Armed { DATA, EXIST, CHILD }

    private static final Map<Armed, Set<String>> FIRES_ON = Map.of(
            Armed.DATA, Set.of("NodeDataChanged", "NodeDeleted"),
            Armed.EXIST, Set.of("NodeCreated"),
            Armed.CHILD, Set.of("NodeChildrenChanged", "NodeDeleted"));

    /** path -> zxid -> event types that zxid's txn makes on the path. */
    private final Map<String, TreeMap<Long, Set<String>>> changes = new HashMap<>();
    private final Set<Long> knownWriteZxids = new HashSet<>();
    private final List<Violation> violations = new ArrayList<>();

    private WatchChecker(List<Op> ops) {
        for (Op op : ops) {
            if (op.isKnownWrite()) {
                knownWriteZxids.add(op.zxid());
                if (op.result().outcome() == Outcome.OK) {
                    recordChanges(op.req(), op.result().createdPath(), op.result().subs(), op.zxid());
                }
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
            }
            case DELETE -> {
                add(r.path(), zxid, "NodeDeleted");
                add(Paths.parent(r.path()), zxid, "NodeChildrenChanged");
            }
            case SET -> add(r.path(), zxid, "NodeDataChanged");
            case MULTI -> {
                for (int i = 0; i < r.subs().size(); i++) {
                    String created = i < subs.size() ? subs.get(i).createdPath() : null;
                    recordChanges(r.subs().get(i), created, List.of(), zxid);
                }
            }
            default -> {
            }
        }
    }

    private void add(String path, long zxid, String type) {
        changes.computeIfAbsent(path, p -> new TreeMap<>()).computeIfAbsent(zxid, z -> new HashSet<>()).add(type);
    }

    private record Watch(String path, Armed kind, long since, Op registeredBy) {
    }

    private void walk(List<Object> deliveries) {
        Map<String, Watch> armed = new HashMap<>();
        long lastEventZxid = 0;
        for (Object d : deliveries) {
            if (d instanceof WatchEvent e) {
                if (!e.isNodeEvent()) {
                    if ("Expired".equals(e.state()) || "Closed".equals(e.state()) || "Abandoned".equals(e.state())) {
                        return; // the session's watches are gone with it
                    }
                    continue;
                }
                if (e.zxid() > 0 && e.zxid() < lastEventZxid) {
                    violations.add(new Violation(Violation.Category.WATCH, "events out of zxid order",
                            List.of("after an event at 0x" + Long.toHexString(lastEventZxid), e.toString())));
                }
                lastEventZxid = Math.max(lastEventZxid, e.zxid());
                consume(armed, e);
            } else {
                Op op = (Op) d;
                Result r = op.result();
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
            violations.add(new Violation(Violation.Category.WATCH,
                    "an event with no watch armed for it (duplicate, or for an unregistered watch)", List.of(e.toString())));
            return;
        }
        for (Watch w : hit) {
            armed.remove(w.path() + "|" + w.kind());
            if (e.zxid() <= 0) {
                continue; // made by a setWatches catch-up, which carries no zxid
            }
            if (e.zxid() <= w.since()) {
                violations.add(new Violation(Violation.Category.WATCH, "an event for a change the watch's read had already seen",
                        List.of("armed by " + w.registeredBy(), e.toString())));
                continue;
            }
            Long first = firstChange(w, w.since(), e.zxid() - 1);
            if (first != null) {
                violations.add(new Violation(Violation.Category.WATCH, "the event came for a later change than the first one after the watch was set",
                        List.of("armed by " + w.registeredBy(), "first change at 0x" + Long.toHexString(first), e.toString())));
            }
        }
        if (e.zxid() > 0 && knownWriteZxids.contains(e.zxid())) {
            Set<String> made = changes.getOrDefault(e.path(), new TreeMap<>()).getOrDefault(e.zxid(), Set.of());
            if (!made.contains(e.type())) {
                violations.add(new Violation(Violation.Category.WATCH, "the event's txn made no such change",
                        List.of(e.toString(), "txn 0x" + Long.toHexString(e.zxid()) + " made " + made + " on " + e.path())));
            }
        }
    }

    private void missing(Map<String, Watch> armed, Op reply) {
        for (Watch w : List.copyOf(armed.values())) {
            Long first = firstChange(w, w.since(), reply.zxid());
            if (first != null) {
                violations.add(new Violation(Violation.Category.WATCH,
                        "a reply showing newer state came before the watch event (event lost or late)",
                        List.of("armed by " + w.registeredBy(), "change at 0x" + Long.toHexString(first)
                                + " " + changes.get(w.path()).get(first) + " on " + w.path(), "reply: " + reply)));
                armed.remove(w.path() + "|" + w.kind()); // report it once
            }
        }
    }

    /** The first known change in (from, to] that fires {@code w}, or null. */
    private Long firstChange(Watch w, long from, long to) {
        TreeMap<Long, Set<String>> byZxid = changes.get(w.path());
        if (byZxid == null || to <= from) {
            return null;
        }
        for (Map.Entry<Long, Set<String>> c : byZxid.subMap(from, false, to, true).entrySet()) {
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
