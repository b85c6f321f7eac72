package io.coordinator.trust.workload;

import io.coordinator.trust.history.History;
import io.coordinator.trust.history.Kind;
import io.coordinator.trust.history.NodeStat;
import io.coordinator.trust.history.Op;
import io.coordinator.trust.history.Outcome;
import io.coordinator.trust.history.Request;
import io.coordinator.trust.history.Result;
import io.coordinator.trust.history.SubResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.MultiResponse;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZxidClient.Reply;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetDataResponse;

/**
 * One client: runs one op at a time against its session (or, now and then, a short pipeline of several) and
 * records each, with its reply zxid, in the history. A session that expires is replaced by a new one; a request that never comes back (within a
 * generous bound) is recorded as unknown and its session abandoned.
 */
public final class Worker {
    private final int client;
    private final ClientSettings settings;
    private final History history;
    private final OpGenerator ops;
    private ClientSession session;

    public Worker(int client, ClientSettings settings, String root, long seed, History history) {
        this.client = client;
        this.settings = settings;
        this.history = history;
        this.ops = new OpGenerator(root, client, seed);
    }

    /** Random ops until {@code deadlineNanos}. */
    public void runUntil(long deadlineNanos) throws IOException, InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            List<Request> batch = ops.nextBatch();
            if (batch.size() == 1) {
                perform(batch.get(0), false);
            } else {
                pipeline(batch);
            }
        }
    }

    /**
     * Sends {@code reqs} back to back without waiting, then records each as its reply comes (they must come in
     * request order: the client drops the connection otherwise, and {@link ClientSession} reports it). A reply
     * that never comes makes it and every later one unknown, and the session is abandoned.
     */
    public List<Op> pipeline(List<Request> reqs) throws IOException, InterruptedException {
        ensureSession();
        List<Long> invokes = new ArrayList<>();
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (Request req : reqs) {
            invokes.add(System.nanoTime());
            replies.add(start(req));
        }
        List<Op> done = new ArrayList<>();
        boolean lost = false;
        for (int i = 0; i < reqs.size(); i++) {
            Request req = reqs.get(i);
            Reply reply = null;
            if (!lost) {
                try {
                    reply = await(replies.get(i));
                } catch (TimeoutException e) {
                    lost = true;
                }
            }
            if (reply == null) {
                done.add(record(req, invokes.get(i), Result.unknown(), Long.MAX_VALUE, false));
                continue;
            }
            Result result = toResult(req, reply);
            done.add(record(req, invokes.get(i), result, reply.seq(), false));
            learn(req, result);
        }
        if (lost) {
            session.abandon();
            session = null;
        }
        return done;
    }

    private void ensureSession() throws IOException, InterruptedException {
        if (session == null || session.expired()) {
            if (session != null) {
                session.closeInBackground();
            }
            session = new ClientSession(client, settings.connectString(), settings.sessionTimeoutMs(), history);
            session.awaitConnected(settings.opTimeoutMs());
        }
    }

    /** Runs one op and records it. */
    public Op perform(Request req, boolean finalRead) throws IOException, InterruptedException {
        ensureSession();
        long invoke = System.nanoTime();
        Reply reply;
        try {
            reply = send(req);
        } catch (TimeoutException e) {
            Op op = record(req, invoke, Result.unknown(), Long.MAX_VALUE, finalRead);
            session.abandon();
            session = null;
            return op;
        }
        Result result = toResult(req, reply);
        Op op = record(req, invoke, result, reply.seq(), finalRead);
        learn(req, result);
        return op;
    }

    /** Adds the op, completed now on the current session, to the history. */
    private Op record(Request req, long invoke, Result result, long seq, boolean finalRead) {
        Op op = new Op(
                history.nextId(), client, session.sessionId(), req, invoke, System.nanoTime(), result, seq, finalRead);
        history.add(op);
        return op;
    }

    /** Makes this client vanish without closing its session (for the ephemeral probe). */
    public long crash() {
        long id = session.sessionId();
        session.crash();
        session = null;
        return id;
    }

    public void close() {
        if (session != null) {
            session.closeInBackground();
            session = null;
        }
    }

    private Reply send(Request req) throws InterruptedException, TimeoutException {
        if (req.kind() == Kind.SYNC_GET) {
            Reply s = await(session.zk.syncZ(req.path()));
            return s.err() != 0 ? s : await(session.zk.getDataZ(req.path(), null));
        }
        return await(start(req));
    }

    /** Queues one request (not a sync+read, which is two) on the session; its reply completes the future. */
    private CompletableFuture<Reply> start(Request req) {
        var zk = session.zk;
        return switch (req.kind()) {
            case CREATE -> zk.createZ(req.path(), bytes(req.data()), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode(req));
            case SET -> zk.setDataZ(req.path(), bytes(req.data()), req.version());
            case DELETE -> zk.deleteZ(req.path(), req.version());
            case GET -> zk.getDataZ(req.path(), req.watch() ? session : null);
            case EXISTS -> zk.existsZ(req.path(), req.watch() ? session : null);
            case CHILDREN -> zk.getChildrenZ(req.path(), req.watch() ? session : null);
            case MULTI -> zk.multiZ(req.subs().stream().map(Worker::toOp).toList());
            case SYNC_GET -> throw new IllegalArgumentException("sync+read is two requests");
            case CHECK -> throw new IllegalArgumentException("check only inside multi");
        };
    }

    private Reply await(CompletableFuture<Reply> f) throws InterruptedException, TimeoutException {
        try {
            return f.get(settings.opTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static org.apache.zookeeper.Op toOp(Request r) {
        return switch (r.kind()) {
            case CREATE ->
                org.apache.zookeeper.Op.create(r.path(), bytes(r.data()), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode(r));
            case SET -> org.apache.zookeeper.Op.setData(r.path(), bytes(r.data()), r.version());
            case DELETE -> org.apache.zookeeper.Op.delete(r.path(), r.version());
            case CHECK -> org.apache.zookeeper.Op.check(r.path(), r.version());
            default -> throw new IllegalArgumentException("not a multi op: " + r);
        };
    }

    private static CreateMode mode(Request r) {
        return r.ephemeral()
                ? (r.sequential() ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL)
                : (r.sequential() ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static Result toResult(Request req, Reply r) {
        if (req.kind() == Kind.MULTI
                && r.response() instanceof MultiResponse mr
                && !mr.getResultList().isEmpty()
                && (r.err() == 0 || Result.isDecided(r.err()))) {
            return multiResult(r, mr);
        }
        if (r.err() != 0) {
            boolean answered = Result.isDecided(r.err()) || (!req.isWrite() && r.err() == Result.NONODE);
            if (answered) {
                return Result.fail(r.err(), r.zxid());
            }
            return req.isWrite()
                    ? Result.unknown()
                    : new Result(Outcome.FAIL, r.err(), 0, null, null, null, null, List.of());
        }
        Result ok = Result.ok(r.zxid());
        return switch (req.kind()) {
            case CREATE -> {
                Create2Response c = (Create2Response) r.response();
                yield ok.withCreated(c.getPath(), stat(c.getStat()));
            }
            case SET -> ok.withStat(stat(r.stat()));
            case GET, SYNC_GET -> {
                GetDataResponse g = (GetDataResponse) r.response();
                yield ok.withData(
                        g.getData() == null ? null : new String(g.getData(), StandardCharsets.UTF_8),
                        stat(g.getStat()));
            }
            case EXISTS -> ok.withStat(stat(r.stat()));
            case CHILDREN -> ok.withChildren(((GetChildren2Response) r.response()).getChildren());
            default -> ok;
        };
    }

    private static Result multiResult(Reply r, MultiResponse mr) {
        List<SubResult> subs = new ArrayList<>();
        int firstError = 0;
        for (OpResult o : mr.getResultList()) {
            if (o instanceof OpResult.ErrorResult e) {
                subs.add(new SubResult(e.getErr(), null, null));
                if (firstError == 0 && e.getErr() != 0 && e.getErr() != Result.ROLLED_BACK) {
                    firstError = e.getErr();
                }
            } else if (o instanceof OpResult.CreateResult c) {
                subs.add(new SubResult(0, c.getPath(), c.getStat() == null ? null : stat(c.getStat())));
            } else if (o instanceof OpResult.SetDataResult s) {
                subs.add(new SubResult(0, null, stat(s.getStat())));
            } else {
                subs.add(new SubResult(0, null, null));
            }
        }
        if (firstError != 0) {
            return Result.isDecided(firstError)
                    ? Result.fail(firstError, r.zxid()).withSubs(subs)
                    : Result.unknown();
        }
        return Result.ok(r.zxid()).withSubs(subs);
    }

    private static NodeStat stat(Stat s) {
        return s == null ? null : new NodeStat(s.getCzxid(), s.getMzxid(), s.getVersion(), s.getEphemeralOwner());
    }

    private void learn(Request req, Result r) {
        if (r.outcome() == Outcome.OK && r.stat() != null) {
            ops.saw(req.path(), r.stat().version());
        }
        if (req.kind() == Kind.CHILDREN
                && r.outcome() == Outcome.OK
                && req.path().endsWith("/q")) {
            ops.sawQueue(r.children());
        }
    }
}
