package io.coordinator.trust.check;

import io.coordinator.trust.history.Kind;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Request;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks results and reads against one serial order. Acknowledged writes carry their zxids, so the order of
 * those is given: replay them in zxid order and check each write's result and each read (at its reply zxid)
 * against the model. Writes with an unknown outcome (timeout, connection loss) and the ends of sessions that
 * own ephemerals have no zxid: a Wing-Gong-Lowe style depth-first search places them, each either nowhere (it
 * did not happen) or in a gap of the zxid order after every write that completed before it was invoked. The
 * search only places one where the replay fails without it, trying the latest gap first, backtracks over
 * earlier gaps and other candidates, and remembers (position, placed set, model) states it has seen.
 */
public final class LinearizabilityChecker {
    private static final long DEFAULT_BUDGET = 3_000_000;

    /** A write with no zxid that the search may place: an unknown write, or the end of a session. */
    record Candidate(int index, Op op, long session, long lowerBound, Set<String> touches) {
        boolean isSessionEnd() {
            return op == null;
        }

        String describe() {
            return isSessionEnd()
                    ? "end of session 0x" + Long.toHexString(session) + " (its ephemerals go)"
                    : "unknown " + op;
        }
    }

    /** The outcome: violations (empty if linearizable) and the unknown ops the accepted order placed. */
    public record Outcome(List<Violation> violations, List<String> placed, long steps) {}

    private final List<Op> events = new ArrayList<>();
    private final List<Candidate> candidates = new ArrayList<>();
    private final Model initial;
    private final long budget;
    private final Set<String> visited = new HashSet<>();
    private long steps;
    private int furthest = -1;
    private String furthestMessage;
    private List<String> furthestPlaced = List.of();
    private boolean exhausted;
    private List<String> acceptedPlacement = List.of();

    public LinearizabilityChecker(List<Op> ops, List<String> existingPaths) {
        this(ops, existingPaths, DEFAULT_BUDGET);
    }

    LinearizabilityChecker(List<Op> ops, List<String> existingPaths, long budget) {
        this.initial = Model.startingWith(existingPaths);
        this.budget = budget;
        for (Op op : ops) {
            if (op.isKnownWrite() || op.isAnsweredRead()) {
                events.add(op);
            }
        }
        // Writes before reads at one zxid: a read at z sees the state after txn z.
        events.sort(Comparator.comparingLong(Op::zxid)
                .thenComparing(o -> o.isWrite() ? 0 : 1)
                .thenComparingInt(Op::id));
        buildCandidates(ops);
    }

    private void buildCandidates(List<Op> ops) {
        List<Op> known = ops.stream().filter(Op::isKnownWrite).toList();
        for (Op op : ops) {
            if (!op.isUnknownWrite()) {
                continue;
            }
            // After every write that completed before it was invoked, and after its session's earlier ops.
            long lower = 0;
            for (Op w : known) {
                if (w.complete() < op.invoke() || (w.session() == op.session() && w.invoke() < op.invoke())) {
                    lower = Math.max(lower, w.zxid());
                }
            }
            candidates.add(new Candidate(
                    candidates.size(),
                    op,
                    op.session(),
                    lower,
                    new HashSet<>(op.req().touchedPaths())));
        }
        // Sessions that created ephemerals may end (close or expiry) at an unseen zxid, after all their own ops.
        Set<Long> owners = new HashSet<>();
        for (Op op : ops) {
            if (op.isWrite() && makesEphemeral(op.req()) && op.session() != 0) {
                owners.add(op.session());
            }
        }
        for (long s : owners) {
            long lower = ops.stream()
                    .filter(o -> o.session() == s && o.zxid() > 0)
                    .mapToLong(Op::zxid)
                    .max()
                    .orElse(0);
            candidates.add(new Candidate(candidates.size(), null, s, lower, null));
        }
    }

    private static boolean makesEphemeral(Request r) {
        return r.kind() == Kind.MULTI
                ? r.subs().stream().anyMatch(LinearizabilityChecker::makesEphemeral)
                : r.kind() == Kind.CREATE && r.ephemeral();
    }

    public Outcome check() {
        boolean ok = run(0, initial, new BitSet(), new ArrayList<>());
        List<Violation> violations = new ArrayList<>();
        if (!ok) {
            violations.add(failure());
        }
        return new Outcome(violations, acceptedPlacement, steps);
    }

    private boolean run(int start, Model state, BitSet placed, List<String> placedNames) {
        List<Model> trail = new ArrayList<>();
        Model cur = state;
        for (int i = start; i < events.size(); i++) {
            trail.add(cur);
            Op e = events.get(i);
            if (++steps > budget) {
                exhausted = true;
                return false;
            }
            Model next = e.isWrite() ? cur.copy() : cur;
            String err = e.isWrite() ? Semantics.checkWrite(next, e) : Semantics.checkRead(next, e);
            if (err == null) {
                cur = next;
                continue;
            }
            if (i > furthest) {
                furthest = i;
                furthestMessage = err;
                furthestPlaced = List.copyOf(placedNames);
            }
            for (Candidate c : candidates) {
                if (placed.get(c.index()) || c.lowerBound() >= e.zxid()) {
                    continue;
                }
                // Only before a zxid group (the events at one zxid) that holds the failing event or an event
                // touching the candidate's paths: the group's first event may be a read of another path.
                boolean groupTouches = false;
                for (int pos = i; pos >= start; pos--) {
                    Op at = events.get(pos);
                    if (at.zxid() <= c.lowerBound()) {
                        break;
                    }
                    groupTouches |= pos == i || touches(c, at);
                    if (!isBoundary(pos)) {
                        continue;
                    }
                    boolean eligible = groupTouches;
                    groupTouches = false;
                    if (!eligible) {
                        continue;
                    }
                    Model base = trail.get(pos - start).copy();
                    if (!place(base, c)) {
                        continue;
                    }
                    BitSet p2 = (BitSet) placed.clone();
                    p2.set(c.index());
                    if (!visited.add(pos + "|" + p2 + "|" + base.fingerprint())) {
                        continue;
                    }
                    List<String> names = new ArrayList<>(placedNames);
                    names.add(c.describe() + " before zxid 0x" + Long.toHexString(at.zxid()));
                    if (run(pos, base, p2, names)) {
                        return true;
                    }
                    if (exhausted) {
                        return false;
                    }
                }
            }
            return false;
        }
        acceptedPlacement = List.copyOf(placedNames);
        return true;
    }

    /** A candidate can go before event {@code pos} only where the zxid grows: reads at one zxid see one state. */
    private boolean isBoundary(int pos) {
        return pos == 0 || events.get(pos - 1).zxid() < events.get(pos).zxid();
    }

    private static boolean touches(Candidate c, Op e) {
        if (c.isSessionEnd()) {
            return true;
        }
        for (String p : e.req().touchedPaths()) {
            if (c.touches().contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** Applies a candidate; false if it would change nothing (a write that fails there is the same as none). */
    private static boolean place(Model m, Candidate c) {
        if (c.isSessionEnd()) {
            return m.removeOwnedBy(c.session()) > 0;
        }
        return Semantics.apply(m, c.op().req(), Model.UNKNOWN_ZXID, c.session()).code() == 0;
    }

    private Violation failure() {
        if (exhausted && furthest < 0) {
            return new Violation(Violation.Category.INCONCLUSIVE, "search budget exhausted", List.of());
        }
        Op bad = events.get(furthest);
        List<String> window = new ArrayList<>();
        Set<String> paths = new HashSet<>(bad.req().touchedPaths());
        int from = Math.max(0, furthest - 400);
        List<String> related = new ArrayList<>();
        for (int i = from; i < furthest; i++) {
            Op e = events.get(i);
            if (e.req().touchedPaths().stream().anyMatch(paths::contains)) {
                related.add("0x" + Long.toHexString(e.zxid()) + "  " + e);
            }
        }
        window.add("earlier ops on " + paths + " in zxid order (last 15):");
        window.addAll(related.subList(Math.max(0, related.size() - 15), related.size()));
        window.add("FAILS: 0x" + Long.toHexString(bad.zxid()) + "  " + bad);
        for (Candidate c : candidates) {
            if (c.lowerBound() < bad.zxid()) {
                window.add("could have been placed: " + c.describe() + " (after 0x" + Long.toHexString(c.lowerBound())
                        + ")");
            }
        }
        if (!furthestPlaced.isEmpty()) {
            window.add("placed on the furthest path: " + furthestPlaced);
        }
        Violation.Category cat = exhausted
                ? Violation.Category.INCONCLUSIVE
                : bad.finalRead()
                        ? Violation.Category.LOST_WRITE
                        : furthestMessage.contains("an ephemeral of")
                                ? Violation.Category.EPHEMERAL
                                : Violation.Category.LINEARIZABILITY;
        return new Violation(cat, bad + ": " + furthestMessage, window);
    }
}
