package io.coordinator.trust.check;

import io.coordinator.trust.history.Kind;
import io.coordinator.trust.history.NodeStat;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Outcome;
import io.coordinator.trust.history.Paths;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.SubResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** ZooKeeper's rules for each op, on the model: what a write does and answers, what a read must see. */
final class Semantics {
    private Semantics() {}

    /** The model's answer to a write; for a failed multi, {@code failedIndex} is the op that failed. */
    record Effect(int code, int failedIndex, String createdPath, NodeStat stat, List<SubResult> subs) {
        static Effect fail(int code) {
            return new Effect(code, -1, null, null, List.of());
        }
    }

    /** Applies {@code r} to {@code m} at {@code zxid} for {@code session}; changes {@code m} only if it succeeds. */
    static Effect apply(Model m, Request r, long zxid, long session) {
        if (r.kind() == Kind.MULTI) {
            Model scratch = m.copy();
            List<SubResult> subs = new ArrayList<>();
            for (int i = 0; i < r.subs().size(); i++) {
                Effect e = apply(scratch, r.subs().get(i), zxid, session);
                if (e.code() != 0) {
                    return new Effect(e.code(), i, null, null, List.of());
                }
                subs.add(new SubResult(0, e.createdPath(), e.stat()));
            }
            m.assign(scratch);
            return new Effect(0, -1, null, null, subs);
        }
        ZNode n = m.get(r.path());
        if (r.kind() == Kind.SET || r.kind() == Kind.DELETE || r.kind() == Kind.CHECK) {
            // each names a node that exists, at the version given (-1: any)
            if (n == null) {
                return Effect.fail(Result.NONODE);
            }
            if (r.version() != -1 && r.version() != n.version()) {
                return Effect.fail(Result.BADVERSION);
            }
        }
        switch (r.kind()) {
            case CREATE -> {
                String parentPath = Paths.parent(r.path());
                ZNode parent = m.get(parentPath);
                if (parent == null) {
                    return Effect.fail(Result.NONODE);
                }
                String path = r.sequential() ? r.path() + String.format("%010d", parent.cversion()) : r.path();
                if (m.get(path) != null) {
                    return Effect.fail(Result.NODEEXISTS);
                }
                if (parent.owner() != 0) {
                    return Effect.fail(Result.NOCHILDRENFOREPHEMERALS);
                }
                ZNode created = new ZNode(r.data(), 0, zxid, zxid, r.ephemeral() ? session : 0, 0);
                m.put(path, created);
                m.put(parentPath, parent.withChildCreated());
                return new Effect(0, -1, path, stat(created), List.of());
            }
            case SET -> {
                ZNode changed = n.withData(r.data(), zxid);
                m.put(r.path(), changed);
                return new Effect(0, -1, null, stat(changed), List.of());
            }
            case DELETE -> {
                if (!m.children(r.path()).isEmpty()) {
                    return Effect.fail(Result.NOTEMPTY);
                }
                m.remove(r.path());
                return new Effect(0, -1, null, null, List.of());
            }
            case CHECK -> {
                return new Effect(0, -1, null, null, List.of());
            }
            default -> throw new IllegalArgumentException("not a write: " + r);
        }
    }

    /** Applies a known write to {@code m} and says how its recorded result differs from the model's (null: none). */
    static String checkWrite(Model m, Op op) {
        Effect e = apply(m, op.req(), op.zxid(), op.session());
        Result r = op.result();
        if (r.outcome() == Outcome.OK) {
            if (e.code() != 0) {
                return "the server acknowledged it, but at its zxid the model says " + describe(e.code())
                        + (e.failedIndex() >= 0 ? " (op " + e.failedIndex() + " of the multi)" : "");
            }
            if (op.req().kind() == Kind.MULTI) {
                for (int i = 0; i < e.subs().size() && i < r.subs().size(); i++) {
                    String d = compareSub(e.subs().get(i), r.subs().get(i), op.zxid());
                    if (d != null) {
                        return "op " + i + " of the multi: " + d;
                    }
                }
                return null;
            }
            return compareSub(
                    new SubResult(0, e.createdPath(), e.stat()),
                    new SubResult(0, r.createdPath(), r.stat()),
                    op.zxid());
        }
        // A decided failure: the model must fail the same way (a multi: the same op with the same code).
        if (e.code() != r.code()) {
            return "the server answered " + describe(r.code()) + ", the model says " + describe(e.code());
        }
        if (op.req().kind() == Kind.MULTI) {
            int observedIndex = -1;
            for (int i = 0; i < r.subs().size(); i++) {
                int c = r.subs().get(i).code();
                if (c != 0 && c != Result.ROLLED_BACK) {
                    observedIndex = i;
                    break;
                }
            }
            if (observedIndex >= 0 && observedIndex != e.failedIndex()) {
                return "op " + observedIndex + " of the multi failed, the model fails op " + e.failedIndex();
            }
        }
        return null;
    }

    private static String compareSub(SubResult model, SubResult seen, long zxid) {
        if (model.createdPath() != null && !model.createdPath().equals(seen.createdPath())) {
            return "created " + seen.createdPath() + ", the model names it " + model.createdPath();
        }
        if (model.stat() != null && seen.stat() != null) {
            if (model.stat().version() != seen.stat().version()) {
                return "version " + seen.stat().version() + " after the write, the model says "
                        + model.stat().version();
            }
            if (seen.stat().mzxid() != zxid) {
                return "mzxid 0x" + Long.toHexString(seen.stat().mzxid()) + " differs from the reply zxid";
            }
        }
        return null;
    }

    /** How a read's answer differs from the model (null: it matches). */
    static String checkRead(Model m, Op op) {
        Request q = op.req();
        Result r = op.result();
        ZNode n = m.get(q.path());
        boolean sawAbsent = r.outcome() == Outcome.FAIL && r.code() == Result.NONODE;
        if (n == null) {
            return sawAbsent ? null : "saw " + q.path() + " present (" + r + "), the model has no such node";
        }
        if (sawAbsent) {
            return "saw " + q.path() + " absent, the model has it: " + n.data() + " v" + n.version()
                    + (n.owner() != 0
                            ? " (an ephemeral of 0x" + Long.toHexString(n.owner()) + ", still alive then)"
                            : "");
        }
        if (q.kind() == Kind.CHILDREN) {
            List<String> expected = m.children(q.path());
            return expected.equals(r.children()) ? null : "children " + r.children() + ", the model says " + expected;
        }
        NodeStat s = r.stat();
        if (s == null) {
            return "no stat in the reply";
        }
        if (q.kind() != Kind.EXISTS && !Objects.equals(n.data(), r.data())) {
            return "data " + r.data() + " v" + s.version() + ", the model says " + n.data() + " v" + n.version();
        }
        if (s.version() != n.version()) {
            return "version " + s.version() + ", the model says " + n.version() + " (data " + n.data() + ")";
        }
        if (n.czxid() != Model.UNKNOWN_ZXID && s.czxid() != n.czxid()) {
            return "czxid 0x" + Long.toHexString(s.czxid()) + ", the model says 0x" + Long.toHexString(n.czxid());
        }
        if (n.mzxid() != Model.UNKNOWN_ZXID && s.mzxid() != n.mzxid()) {
            return "mzxid 0x" + Long.toHexString(s.mzxid()) + ", the model says 0x" + Long.toHexString(n.mzxid());
        }
        if (s.ephemeralOwner() != n.owner()) {
            return "ephemeral owner 0x" + Long.toHexString(s.ephemeralOwner()) + ", the model says 0x"
                    + Long.toHexString(n.owner());
        }
        return null;
    }

    private static NodeStat stat(ZNode n) {
        return new NodeStat(n.czxid(), n.mzxid(), n.version(), n.owner());
    }

    static String describe(int code) {
        return switch (code) {
            case 0 -> "OK";
            case Result.NONODE -> "NONODE";
            case Result.NODEEXISTS -> "NODEEXISTS";
            case Result.BADVERSION -> "BADVERSION";
            case Result.NOTEMPTY -> "NOTEMPTY";
            case Result.NOCHILDRENFOREPHEMERALS -> "NOCHILDRENFOREPHEMERALS";
            default -> "error " + code;
        };
    }
}
