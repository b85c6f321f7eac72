package io.coordinator.trust.check;

import io.coordinator.trust.history.Kind;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.ReplyOrderError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The orders zxids must respect, checked directly: no two acknowledged writes share a zxid; real time (a write
 * that completed before another write or a sync+read was invoked has a smaller zxid); and per session, zxids
 * never go back (a session's reads follow its writes, even across reconnects); and a session's replies come in
 * request order.
 */
public final class OrderChecker {
    private OrderChecker() {}

    public static List<Violation> check(List<Op> ops) {
        List<Violation> out = new ArrayList<>();
        duplicateZxids(ops, out);
        realTime(ops, out);
        perSession(ops, out);
        return out;
    }

    /**
     * A session's replies come in the order it sent its requests: each reply the client could not match to its
     * oldest outstanding request is a violation (the client then dropped the connection, so the ops themselves
     * only show a connection loss).
     */
    public static List<Violation> replyOrder(List<ReplyOrderError> errors) {
        return errors.stream()
                .map(e -> new Violation(
                        Violation.Category.REPLY_ORDER,
                        "session 0x" + Long.toHexString(e.session()) + " got a reply out of request order",
                        List.of(e.toString())))
                .toList();
    }

    private static void duplicateZxids(List<Op> ops, List<Violation> out) {
        Map<Long, Op> byZxid = new HashMap<>();
        for (Op op : ops) {
            if (op.isKnownWrite()) {
                Op other = byZxid.putIfAbsent(op.zxid(), op);
                if (other != null) {
                    out.add(new Violation(
                            Violation.Category.LINEARIZABILITY,
                            "two writes acknowledged with zxid 0x" + Long.toHexString(op.zxid()),
                            List.of(other.toString(), op.toString())));
                }
            }
        }
    }

    private static void realTime(List<Op> ops, List<Violation> out) {
        List<Op> writes = ops.stream()
                .filter(Op::isKnownWrite)
                .sorted(Comparator.comparingLong(Op::complete))
                .toList();
        List<Op> targets = ops.stream()
                .filter(o -> o.isKnownWrite() || (o.req().kind() == Kind.SYNC_GET && o.isAnsweredRead()))
                .sorted(Comparator.comparingLong(Op::invoke))
                .toList();
        int w = 0;
        Op latest = null;
        for (Op t : targets) {
            while (w < writes.size() && writes.get(w).complete() < t.invoke()) {
                Op c = writes.get(w++);
                if (latest == null || c.zxid() > latest.zxid()) {
                    latest = c;
                }
            }
            if (latest == null) {
                continue;
            }
            boolean bad = t.isWrite() ? t.zxid() <= latest.zxid() : t.zxid() < latest.zxid();
            if (bad) {
                out.add(new Violation(
                        Violation.Category.LINEARIZABILITY,
                        "real-time order: " + (t.isWrite() ? "a write" : "a sync+read")
                                + " invoked after another write " + "completed has an older zxid",
                        List.of("completed first: " + latest, "invoked later:   " + t)));
            }
        }
    }

    private static void perSession(List<Op> ops, List<Violation> out) {
        Map<Long, Op> last = new HashMap<>();
        List<Op> byInvoke = new ArrayList<>(ops);
        byInvoke.sort(Comparator.comparingLong(Op::invoke));
        for (Op op : byInvoke) {
            if (op.session() == 0 || op.zxid() <= 0 || !(op.isKnownWrite() || op.isAnsweredRead())) {
                continue;
            }
            Op prev = last.get(op.session());
            if (prev != null) {
                boolean bad = op.isWrite() && prev.isWrite() ? op.zxid() <= prev.zxid() : op.zxid() < prev.zxid();
                if (bad) {
                    out.add(new Violation(
                            Violation.Category.LINEARIZABILITY,
                            "session 0x" + Long.toHexString(op.session()) + " saw its zxid go back",
                            List.of("earlier: " + prev, "later:   " + op)));
                }
            }
            last.put(op.session(), op);
        }
    }
}
