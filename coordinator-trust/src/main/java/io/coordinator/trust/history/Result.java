package io.coordinator.trust.history;

import java.util.List;

/**
 * What came back. {@code zxid} is the reply header's zxid (0 when unknown). For reads: {@code stat} and
 * {@code data} (getData, exists: a null stat with code NONODE means absent), {@code children} sorted.
 */
public record Result(
        Outcome outcome,
        int code,
        long zxid,
        String createdPath,
        NodeStat stat,
        String data,
        List<String> children,
        List<SubResult> subs) {

    public static final int OK = 0;
    public static final int NONODE = -101;
    public static final int BADVERSION = -103;
    public static final int NOCHILDRENFOREPHEMERALS = -108;
    public static final int NODEEXISTS = -110;
    public static final int NOTEMPTY = -111;
    public static final int ROLLED_BACK = -2;

    public static Result unknown() {
        return new Result(Outcome.UNKNOWN, 0, 0, null, null, null, null, List.of());
    }

    public static Result fail(int code, long zxid) {
        return new Result(Outcome.FAIL, code, zxid, null, null, null, null, List.of());
    }

    public static Result ok(long zxid) {
        return new Result(Outcome.OK, 0, zxid, null, null, null, null, List.of());
    }

    public Result withStat(NodeStat s) {
        return new Result(outcome, code, zxid, createdPath, s, data, children, subs);
    }

    public Result withData(String d, NodeStat s) {
        return new Result(outcome, code, zxid, createdPath, s, d, children, subs);
    }

    public Result withCreated(String path, NodeStat s) {
        return new Result(outcome, code, zxid, path, s, data, children, subs);
    }

    public Result withChildren(List<String> c) {
        return new Result(
                outcome,
                code,
                zxid,
                createdPath,
                stat,
                data,
                c.stream().sorted().toList(),
                subs);
    }

    public Result withSubs(List<SubResult> s) {
        return new Result(outcome, code, zxid, createdPath, stat, data, children, List.copyOf(s));
    }

    /** Codes the server decides while preparing a write: it logged an error txn, so the zxid is real. */
    public static boolean isDecided(int code) {
        return code == NONODE
                || code == BADVERSION
                || code == NOCHILDRENFOREPHEMERALS
                || code == NODEEXISTS
                || code == NOTEMPTY
                || code == -8 /* BADARGUMENTS */;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(outcome.name());
        if (code != 0) {
            sb.append(' ').append(code);
        }
        if (zxid != 0) {
            sb.append(" @0x").append(Long.toHexString(zxid));
        }
        if (createdPath != null) {
            sb.append(" path=").append(createdPath);
        }
        if (data != null) {
            sb.append(" data=").append(data);
        }
        if (stat != null) {
            sb.append(" stat=").append(stat);
        }
        if (children != null) {
            sb.append(" children=").append(children);
        }
        if (!subs.isEmpty()) {
            sb.append(" subs=").append(subs);
        }
        return sb.toString();
    }
}
