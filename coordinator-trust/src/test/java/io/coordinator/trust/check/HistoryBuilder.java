package io.coordinator.trust.check;

import io.coordinator.trust.history.NodeStat;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.SubResult;
import io.coordinator.trust.history.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/** Hand-written histories: each op takes the next two ticks of time unless given its own. */
final class HistoryBuilder {
    final List<Op> ops = new ArrayList<>();
    final List<WatchEvent> events = new ArrayList<>();
    final List<EphemeralProbe> probes = new ArrayList<>();
    private final java.util.Map<Long, Integer> connection = new java.util.HashMap<>();
    private long time = 100;
    private long seq;

    Op op(long session, Request req, Result result) {
        long invoke = time++;
        long complete = time++;
        return op(session, req, result, invoke, complete, false);
    }

    Op op(long session, Request req, Result result, long invoke, long complete, boolean finalRead) {
        Op op = new Op(ops.size() + 1, (int) session, session, req, invoke, complete, result, ++seq, finalRead);
        ops.add(op);
        time = Math.max(time, complete + 1);
        return op;
    }

    Op finalRead(long session, Request req, Result result) {
        long invoke = time++;
        return op(session, req, result, invoke, time++, true);
    }

    void event(long session, String type, String path, long zxid) {
        events.add(new WatchEvent(
                (int) session, session, connectionOf(session), ++seq, time++, type, "SyncConnected", path, zxid));
    }

    /** A state change; each SyncConnected is a new connection (the first, number 1, is implied). */
    void state(long session, String state) {
        if ("SyncConnected".equals(state)) {
            connection.put(session, connectionOf(session) + 1);
        }
        events.add(
                new WatchEvent((int) session, session, connectionOf(session), ++seq, time++, "None", state, null, 0));
    }

    private int connectionOf(long session) {
        return connection.getOrDefault(session, 1);
    }

    Checker.Report check() {
        return Checker.check(ops, events, probes, List.of("/r"));
    }

    static Result created(long zxid, String path) {
        return Result.ok(zxid).withCreated(path, new NodeStat(zxid, zxid, 0, 0));
    }

    static Result createdEphemeral(long zxid, String path, long owner) {
        return Result.ok(zxid).withCreated(path, new NodeStat(zxid, zxid, 0, owner));
    }

    static Result set(long zxid, long czxid, int version) {
        return Result.ok(zxid).withStat(new NodeStat(czxid, zxid, version, 0));
    }

    static Result data(long zxid, String data, long czxid, long mzxid, int version) {
        return Result.ok(zxid).withData(data, new NodeStat(czxid, mzxid, version, 0));
    }

    static Result ephemeralData(long zxid, String data, long czxid, int version, long owner) {
        return Result.ok(zxid).withData(data, new NodeStat(czxid, czxid, version, owner));
    }

    static Result children(long zxid, String... names) {
        return Result.ok(zxid).withChildren(List.of(names));
    }

    static Result multiOk(long zxid, SubResult... subs) {
        return Result.ok(zxid).withSubs(List.of(subs));
    }

    static Result multiFailed(long zxid, int... codes) {
        List<SubResult> subs = new ArrayList<>();
        int first = 0;
        for (int c : codes) {
            subs.add(new SubResult(c, null, null));
            if (first == 0 && c != 0 && c != Result.ROLLED_BACK) {
                first = c;
            }
        }
        return Result.fail(first, zxid).withSubs(subs);
    }
}
