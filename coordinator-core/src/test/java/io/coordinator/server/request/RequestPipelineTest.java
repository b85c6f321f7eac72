package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.protocol.WatcherEvent;
import io.coordinator.server.request.FakeConnection.Out;
import io.coordinator.server.session.SessionIds;
import io.coordinator.server.session.SessionPasswords;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The single-threaded pipeline end to end with a fake network and a sink whose durability the test controls.
 * Synchronisation is by waiting (with timeouts) for outputs, and by pipeline barriers (a ServerView getter
 * that runs on the pipeline thread): never by sleeping.
 */
class RequestPipelineTest {
    private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "v1".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong sequence = new AtomicLong();
    private final HeldSink sink = new HeldSink();
    private final SessionPasswords passwords = new SessionPasswords(SECRET);
    private DataTree tree;
    private RequestPipeline pipeline;
    /** ACL schemes beyond ip and digest the next pipeline accepts. */
    private Set<String> extraAuthSchemes = Set.of();

    @AfterEach
    void stop() {
        sink.releaseAll();
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    private RequestPipeline start(int tickTimeMs, int minTimeout, int maxTimeout) {
        return start(tickTimeMs, minTimeout, maxTimeout, null);
    }

    private RequestPipeline start(int tickTimeMs, int minTimeout, int maxTimeout, String superDigest) {
        create(tickTimeMs, minTimeout, maxTimeout, superDigest, System::currentTimeMillis);
        pipeline.start();
        return pipeline;
    }

    /** A pipeline (not started) on a fresh tree, writing to the sink, with {@code wallClock} as its txn time. */
    private void create(int tickTimeMs, int minTimeout, int maxTimeout, String superDigest, LongSupplier wallClock) {
        tree = new DataTree();
        StateMachine state = new StateMachine(tree, new SessionTracker(tickTimeMs));
        PipelineConfig config = new PipelineConfig(
                tickTimeMs,
                minTimeout,
                maxTimeout,
                false,
                true,
                superDigest,
                3_600_000,
                1000,
                1_000_000,
                extraAuthSchemes,
                null);
        pipeline = new RequestPipeline(
                config,
                state,
                new SessionIds(1, 1_700_000_000_000L),
                passwords,
                sink,
                (zxid, sessions) -> {},
                Map.of("tickTime", String.valueOf(tickTimeMs)),
                wallClock);
    }

    private RequestPipeline start() {
        return start(50, 100, 60_000);
    }

    /** A create of {@code path} that only its creator's identities may use (the "auth" ACL). */
    private static Requests.Create creatorOnly(String path) {
        return new Requests.Create(
                path, DATA, List.of(new Acl(31, new io.coordinator.server.protocol.Id("auth", ""))), 0, -1);
    }

    /** The session's close is the last txn written. */
    private void assertLastTxnClosed(Client c) {
        assertThat(sink.appended.get(sink.appended.size() - 1).txn()).isEqualTo(new Txn.CloseSession(c.sessionId));
    }

    /** A reconnect to the session with its password is answered timeout 0 (expired), then closed. */
    private void assertIsToldItExpired(Client c, int timeout) {
        FakeConnection again = new FakeConnection("10.0.0.1", sequence);
        pipeline.connect(again, connectRequest(c.sessionId, c.passwd, timeout, 0));
        assertThat(again.connectResponse().timeOut()).isZero();
        again.closed();
    }

    /** Starts with the default settings and connects a client from {@code address}. */
    private Client startAndConnect(String address) {
        start();
        return connect(address);
    }

    /** Starts, connects a client and makes the sink hold the txns from here on until released. */
    private Client startHoldingWrites() {
        Client c = startAndConnect("10.0.0.1");
        sink.hold();
        return c;
    }

    /** Takes the next txn the sink holds, checks that {@code c} was sent nothing meanwhile, then releases it. */
    private HeldSink.Held releaseOnceNothingWasSent(Client c) {
        HeldSink.Held held = sink.next();
        barrier();
        c.conn.assertNothingSent();
        held.release();
        return held;
    }

    /** Waits until everything handed to the pipeline thread so far has run. */
    private void barrier() {
        pipeline.watchCount();
    }

    private final class Client {
        final FakeConnection conn;
        long sessionId;
        byte[] passwd;
        int nextXid = 1;

        Client(String address) {
            conn = new FakeConnection(address, sequence);
        }

        int send(int type, Requests.Body body) {
            int xid = nextXid++;
            pipeline.request(conn, xid, type, body, Code.OK);
            return xid;
        }

        int create(String path, int flags) {
            return send(OpCode.CREATE, new Requests.Create(path, DATA, Acl.OPEN_ACL_UNSAFE, flags, -1));
        }

        int getData(String path, boolean watch) {
            return send(OpCode.GET_DATA, new Requests.PathWatch(path, watch));
        }

        int exists(String path, boolean watch) {
            return send(OpCode.EXISTS, new Requests.PathWatch(path, watch));
        }

        int setData(String path, byte[] data) {
            return send(OpCode.SET_DATA, new Requests.SetData(path, data, -1));
        }

        void ping() {
            pipeline.request(conn, ReplyHeader.PING_XID, OpCode.PING, Requests.Empty.INSTANCE, Code.OK);
        }

        void auth(String scheme, String credentials) {
            pipeline.request(
                    conn,
                    ReplyHeader.AUTH_XID,
                    OpCode.AUTH,
                    new Requests.Auth(0, scheme, credentials.getBytes(StandardCharsets.UTF_8)),
                    Code.OK);
        }

        /** Sends a request and returns its reply, which must be the next output. */
        Out call(int type, Requests.Body body) {
            return conn.reply(send(type, body));
        }
    }

    private static ConnectRequest connectRequest(long sessionId, byte[] passwd, int timeout, long lastZxid) {
        return new ConnectRequest(0, lastZxid, timeout, sessionId, passwd, false, true);
    }

    private Client connect(String address) {
        return connect(address, 30_000);
    }

    private Client connect(String address, int timeout) {
        Client c = new Client(address);
        pipeline.connect(c.conn, connectRequest(0, new byte[16], timeout, 0));
        ConnectResponse r = c.conn.connectResponse();
        assertThat(r.timeOut()).isPositive();
        assertThat(r.sessionId()).isNotZero();
        c.sessionId = r.sessionId();
        c.passwd = r.passwd();
        return c;
    }

    private static String string(Out reply) {
        return reply.reader().readString();
    }

    private static String data(Out reply) {
        JuteReader in = reply.reader();
        return new String(in.readBuffer(), StandardCharsets.UTF_8);
    }

    private static void assertOk(Out reply) {
        assertThat(reply.header().err()).as("%s", reply).isEqualTo(Code.OK);
    }

    /** The reply to an auth packet, whole as ZooKeeper sends it: the AUTH_XID header, zxid 0 and {@code err}. */
    private static void assertAuthReply(Client c, int err) {
        assertThat(c.conn.reply(ReplyHeader.AUTH_XID).header())
                .isEqualTo(new ReplyHeader(ReplyHeader.AUTH_XID, 0, err));
    }

    private static void assertErr(Out reply, int err) {
        assertThat(reply.header().err()).as("%s", reply).isEqualTo(err);
        assertThat(reply.body()).as("an error reply has no body").isNull();
    }

    // ------------------------------------------------------------------ audit

    @Test
    void theAuditSinkHearsEveryAnsweredWriteOnceAndNothingElse() {
        List<AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        start();
        pipeline.setAuditSink(events::add);
        Client c = connect("10.0.0.7");
        c.auth("digest", "carol:pw");
        assertOk(c.conn.reply(ReplyHeader.AUTH_XID));
        assertOk(c.call(OpCode.CREATE, new Requests.Create("/a", DATA, Acl.OPEN_ACL_UNSAFE, 2, -1)));
        assertOk(c.call(OpCode.CHECK, new Requests.CheckVersion("/a0000000000", 0))); // a lone check: no event
        c.call(OpCode.GET_DATA, new Requests.PathWatch("/a0000000000", false));
        assertErr(
                c.call(OpCode.CREATE, new Requests.Create("/no/parent", DATA, Acl.OPEN_ACL_UNSAFE, 0, -1)),
                Code.NONODE);
        assertOk(c.call(OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE));

        assertThat(events)
                .extracting(e -> e.operation() + " " + e.path() + " " + e.znodeType() + " " + Code.name(e.err()))
                .containsExactly(
                        "createSession null null OK",
                        "create /a0000000000 persistent_sequential OK",
                        "create /no/parent persistent NONODE",
                        "closeSession null null OK");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.sessionId()).isEqualTo(c.sessionId);
            assertThat(e.address()).isEqualTo(c.conn.remoteSocketAddress());
        });
        assertThat(events.get(1).users())
                .extracting(io.coordinator.server.protocol.Id::scheme)
                .contains("digest", "ip");
        assertThat(events.get(1).zxid()).isEqualTo(tree.getNode("/a0000000000").czxid());
        assertThat(events.get(1).acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
    }

    @Test
    void aFailingAuditSinkDoesNotKeepTheReplyFromTheClient() {
        start();
        pipeline.setAuditSink(e -> {
            throw new IllegalStateException("disk full");
        });
        Client c = connect("10.0.0.7");
        assertOk(c.call(OpCode.CREATE, new Requests.Create("/still", DATA, Acl.OPEN_ACL_UNSAFE, 0, -1)));
        assertOk(c.call(
                OpCode.MULTI,
                new Requests.Multi(List.of(new Requests.Op(OpCode.DELETE, new Requests.Delete("/still", -1))))));
    }

    @Test
    void withoutAnAuditSinkNothingIsReported() {
        List<AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        start();
        pipeline.setAuditSink(events::add);
        pipeline.setAuditSink(null);
        Client c = connect("10.0.0.7");
        assertOk(c.call(OpCode.CREATE, new Requests.Create("/quiet", DATA, Acl.OPEN_ACL_UNSAFE, 0, -1)));
        assertThat(events).isEmpty();
    }

    // ------------------------------------------------------------------ handshake

    @Test
    void newSessionIsCreatedThroughTheSinkAndNegotiatesItsTimeout() {
        start(50, 200, 1000);
        Client c = connect("10.0.0.1", 30_000);
        List<TxnRecord> records = sink.appended;
        assertThat(records).hasSize(1);
        assertThat(records.get(0).txn()).isEqualTo(new Txn.CreateSession(c.sessionId, 1000));
        assertThat(records.get(0).zxid()).isEqualTo(1);
        assertThat(c.passwd).isEqualTo(passwords.passwordFor(c.sessionId));
        assertThat(c.conn.establishedSession).isEqualTo(c.sessionId);
        assertThat(c.sessionId >>> 56).isEqualTo(1);
        assertThat(pipeline.sessionCount()).isEqualTo(1);

        Client low = new Client("10.0.0.2");
        pipeline.connect(low.conn, connectRequest(0, new byte[16], 1, 0));
        assertThat(low.conn.connectResponse().timeOut()).isEqualTo(200);
    }

    @Test
    void clientAheadOfTheServerIsClosedWithoutResponse() {
        start();
        Client c = new Client("10.0.0.1");
        pipeline.connect(c.conn, connectRequest(0, new byte[16], 30_000, 5));
        c.conn.closed();
        barrier();
        c.conn.assertNothingSent();
        assertThat(sink.appended).isEmpty();
        assertThat(pipeline.sessionCount()).isZero();
    }

    @Test
    void reconnectWithThePasswordKeepsTheSessionAndClosesTheOldConnection() {
        Client first = startAndConnect("10.0.0.1");
        assertOk(first.conn.reply(first.create("/eph", 1)));

        Client second = new Client("10.0.0.2");
        pipeline.connect(
                second.conn, connectRequest(first.sessionId, first.passwd, 30_000, pipeline.lastProcessedZxid()));
        ConnectResponse r = second.conn.connectResponse();
        assertThat(r.sessionId()).isEqualTo(first.sessionId);
        assertThat(r.timeOut()).isPositive();
        assertThat(r.passwd()).isEqualTo(first.passwd);
        first.conn.closed();
        // Same session, ephemeral kept, no new session txn.
        assertThat(sink.appended)
                .extracting(TxnRecord::txn)
                .filteredOn(t -> t instanceof Txn.CreateSession)
                .hasSize(1);
        Out exists = second.call(OpCode.EXISTS, new Requests.PathWatch("/eph", false));
        assertOk(exists);
        assertThat(Stat.read(exists.reader()).ephemeralOwner()).isEqualTo(first.sessionId);
        // The old connection no longer answers for the session.
        first.getData("/eph", false);
        barrier();
        first.conn.assertNothingSent();
        assertThat(pipeline.sessionCount()).isEqualTo(1);
    }

    @Test
    void reconnectWithAWrongPasswordOrUnknownSessionIsToldItExpired() {
        Client c = startAndConnect("10.0.0.1");
        byte[] wrong = c.passwd.clone();
        wrong[0] ^= 1;
        for (ConnectRequest req : List.of(
                connectRequest(c.sessionId, wrong, 30_000, 0),
                connectRequest(c.sessionId, null, 30_000, 0),
                connectRequest(c.sessionId + 1, passwords.passwordFor(c.sessionId + 1), 30_000, 0))) {
            FakeConnection other = new FakeConnection("10.0.0.9", sequence);
            pipeline.connect(other, req);
            ConnectResponse r = other.connectResponse();
            assertThat(r.timeOut()).isZero();
            assertThat(r.sessionId()).isZero();
            other.closed();
        }
        // The real owner is unaffected.
        assertOk(c.call(OpCode.EXISTS, new Requests.PathWatch("/", false)));
        c.conn.assertNothingSent();
    }

    @Test
    void readOnlyRefusesGlobalSessionsWithoutAnAnswerAndResumesItsOwn() {
        Client global = startAndConnect("10.0.0.1");
        assertOk(global.conn.reply(global.create("/lock", 1)));
        int txns = sink.appended.size();
        pipeline.submit(() -> {
            pipeline.stopServing("quorum lost");
            pipeline.serveReadOnly();
        });
        global.conn.closed();

        // A global session (its ephemeral may be gone on the quorum): closed, no answer, whatever the password.
        for (byte[] pw : List.of(global.passwd, new byte[16])) {
            FakeConnection again = new FakeConnection("10.0.0.2", sequence);
            pipeline.connect(again, new ConnectRequest(0, 0, 30_000, global.sessionId, pw, true, true));
            again.closed();
            barrier();
            again.assertNothingSent();
        }

        // A session opened read-only is resumed on a new connection; a wrong password is told it expired.
        FakeConnection first = new FakeConnection("10.0.0.3", sequence);
        pipeline.connect(first, new ConnectRequest(0, 0, 30_000, 0, new byte[16], true, true));
        ConnectResponse opened = first.connectResponse();
        assertThat(opened.timeOut()).isPositive();
        assertThat(opened.readOnly()).isTrue();
        FakeConnection second = new FakeConnection("10.0.0.3", sequence);
        pipeline.connect(second, new ConnectRequest(0, 0, 30_000, opened.sessionId(), opened.passwd(), true, true));
        ConnectResponse resumed = second.connectResponse();
        assertThat(resumed.sessionId()).isEqualTo(opened.sessionId());
        assertThat(resumed.readOnly()).isTrue();
        first.closed();
        FakeConnection wrong = new FakeConnection("10.0.0.4", sequence);
        pipeline.connect(wrong, new ConnectRequest(0, 0, 30_000, opened.sessionId(), new byte[16], true, true));
        ConnectResponse expired = wrong.connectResponse();
        assertThat(expired.timeOut()).isZero();
        assertThat(expired.sessionId()).isZero();
        assertThat(expired.readOnly())
                .as("set by a read-only server, as ZooKeeper's")
                .isTrue();
        wrong.closed();
        assertThat(sink.appended).hasSize(txns);
    }

    @Test
    void anIdleReadOnlySessionExpiresLikeALocalOne() {
        start(50, 100, 60_000);
        pipeline.submit(() -> {
            pipeline.stopServing("quorum lost");
            pipeline.serveReadOnly();
        });
        FakeConnection idle = new FakeConnection("10.0.0.1", sequence);
        pipeline.connect(idle, new ConnectRequest(0, 0, 1, 0, new byte[16], true, true));
        ConnectResponse opened = idle.connectResponse();
        assertThat(opened.timeOut()).isEqualTo(100);
        idle.closed(); // no request for its timeout: expired, its connection closed
        FakeConnection again = new FakeConnection("10.0.0.1", sequence);
        pipeline.connect(again, new ConnectRequest(0, 0, 1, opened.sessionId(), opened.passwd(), true, true));
        ConnectResponse expired = again.connectResponse();
        assertThat(expired.timeOut()).isZero();
        assertThat(expired.readOnly()).isTrue();
        again.closed();
        assertThat(sink.appended).isEmpty();
    }

    @Test
    void requestsSentBeforeTheNewSessionIsDurableWaitForIt() {
        start();
        sink.hold();
        Client c = new Client("10.0.0.1");
        pipeline.connect(c.conn, connectRequest(0, new byte[16], 30_000, 0));
        // The Java client sends its auth packets right behind the ConnectRequest.
        c.auth("digest", "alice:secret");
        int xid = c.exists("/", false);
        HeldSink.Held createSession = sink.next();
        assertThat(createSession.record().txn()).isInstanceOf(Txn.CreateSession.class);
        barrier();
        c.conn.assertNothingSent();
        createSession.release();
        assertThat(c.conn.connectResponse().timeOut()).isPositive();
        assertOk(c.conn.reply(ReplyHeader.AUTH_XID));
        assertOk(c.conn.reply(xid));
    }

    // ------------------------------------------------------------------ ordering

    /**
     * Found by the trust harness: on the leader, sync answered at once from the leader's applied state, so a
     * sync+read could miss a write another member had already acknowledged (the leader applies after commit).
     * A sync on the leader must wait until everything proposed before it is applied, as on a learner.
     */
    @Test
    void syncOnTheLeaderWaitsForEveryEarlierProposalToApply() {
        create(50, 100, 60_000, null, System::currentTimeMillis);
        pipeline.startInEnsemble();
        pipeline.submit(() -> pipeline.serveAsLeader(0, 1)); // a leader whose own log is the sink
        Client a = connect("10.0.0.1");
        Client b = connect("10.0.0.2");
        sink.hold();
        a.create("/a", 0);
        HeldSink.Held held = sink.next();
        int sync = b.send(OpCode.SYNC, new Requests.PathOnly("/"));
        barrier();
        b.conn.assertNothingSent();
        held.release();
        Out r = b.conn.reply(sync);
        assertOk(r);
        assertThat(r.header().zxid()).isGreaterThanOrEqualTo(held.record().zxid());
    }

    /** The txn time (ctime/mtime) comes from the wall clock the pipeline was given (shifted by the clock-jump hook). */
    @Test
    void txnTimeComesFromTheGivenWallClock() {
        AtomicLong wall = new AtomicLong(1_700_000_000_000L);
        create(50, 100, 60_000, null, wall::get);
        pipeline.start();
        Client c = connect("10.0.0.1");
        sink.hold();
        wall.set(1_700_000_000_000L + 3_600_000L);
        c.create("/ahead", 0);
        HeldSink.Held ahead = sink.next();
        assertThat(ahead.record().header().time()).isEqualTo(1_700_000_000_000L + 3_600_000L);
        ahead.release();
        wall.set(1_700_000_000_000L - 3_600_000L);
        c.create("/behind", 0);
        HeldSink.Held behind = sink.next();
        assertThat(behind.record().header().time()).isEqualTo(1_700_000_000_000L - 3_600_000L);
        behind.release();
    }

    @Test
    void readAfterWriteIsAnsweredAfterTheWriteAndSeesIt() {
        Client c = startHoldingWrites();
        int create = c.create("/a", 0);
        int read = c.getData("/a", false);
        HeldSink.Held held = releaseOnceNothingWasSent(c);
        Out w = c.conn.reply(create);
        assertOk(w);
        assertThat(string(w)).isEqualTo("/a");
        assertThat(w.header().zxid()).isEqualTo(held.record().zxid());
        Out r = c.conn.reply(read);
        assertOk(r);
        assertThat(data(r)).isEqualTo("v1");
        assertThat(r.header().zxid()).isEqualTo(held.record().zxid());
    }

    @Test
    void pingIsAnsweredWhileAWriteWaitsForTheDisk() {
        Client c = startHoldingWrites();
        int create = c.create("/a", 0);
        HeldSink.Held held = sink.next();
        c.ping();
        Out ping = c.conn.reply(ReplyHeader.PING_XID);
        assertOk(ping);
        assertThat(ping.header().zxid()).isEqualTo(held.record().zxid() - 1);
        assertThat(ping.body()).isNull();
        held.release();
        assertOk(c.conn.reply(create));
    }

    @Test
    void watchEventPrecedesTheWritesReplyAndLaterReadsOnTheWatchingConnection() {
        Client writer = startAndConnect("10.0.0.1");
        Client watcher = connect("10.0.0.2");
        assertOk(writer.conn.reply(writer.create("/w", 0)));
        assertOk(watcher.conn.reply(watcher.getData("/w", true)));
        assertOk(writer.conn.reply(writer.getData("/w", true)));

        sink.hold();
        int set = writer.setData("/w", "v2".getBytes(StandardCharsets.UTF_8));
        int readOwn = writer.getData("/w", false);
        int watcherWrite = watcher.create("/other", 0);
        int watcherRead = watcher.getData("/w", false);
        HeldSink.Held setTxn = sink.next();
        HeldSink.Held createTxn = sink.next();
        barrier();
        writer.conn.assertNothingSent();
        watcher.conn.assertNothingSent();
        setTxn.release();
        createTxn.release();

        Out writerEvent = writer.conn.notification(WatcherEvent.NODE_DATA_CHANGED, "/w");
        assertThat(writerEvent.zxid()).isEqualTo(setTxn.record().zxid());
        Out setReply = writer.conn.reply(set);
        assertThat(setReply.header().zxid()).isEqualTo(setTxn.record().zxid());
        assertThat(Stat.read(setReply.reader()).version()).isEqualTo(1);
        assertThat(data(writer.conn.reply(readOwn))).isEqualTo("v2");

        Out watcherEvent = watcher.conn.notification(WatcherEvent.NODE_DATA_CHANGED, "/w");
        assertThat(watcherEvent.zxid()).isEqualTo(setTxn.record().zxid());
        assertThat(watcherEvent.seq()).isLessThan(setReply.seq());
        assertOk(watcher.conn.reply(watcherWrite));
        Out read = watcher.conn.reply(watcherRead);
        assertThat(data(read)).isEqualTo("v2");
        assertThat(read.header().zxid()).isEqualTo(createTxn.record().zxid());
    }

    @Test
    void writesOfTwoSessionsApplyInZxidOrder() {
        Client a = startAndConnect("10.0.0.1");
        Client b = connect("10.0.0.2");
        assertOk(a.conn.reply(a.create("/q", 0)));
        sink.hold();
        int a1 = a.create("/q/n-", 2);
        int b1 = b.create("/q/n-", 2);
        int a2 = a.create("/q/n-", 2);
        HeldSink.Held h1 = sink.next();
        HeldSink.Held h2 = sink.next();
        HeldSink.Held h3 = sink.next();
        assertThat(List.of(h1.record().zxid(), h2.record().zxid(), h3.record().zxid()))
                .containsExactly(
                        h1.record().zxid(), h1.record().zxid() + 1, h1.record().zxid() + 2);
        assertThat(h2.record().header().clientId()).isEqualTo(b.sessionId);
        h1.release();
        h2.release();
        h3.release();
        Out ra1 = a.conn.reply(a1);
        Out ra2 = a.conn.reply(a2);
        Out rb1 = b.conn.reply(b1);
        assertThat(string(ra1)).isEqualTo("/q/n-0000000000");
        assertThat(string(rb1)).isEqualTo("/q/n-0000000001");
        assertThat(string(ra2)).isEqualTo("/q/n-0000000002");
        assertThat(ra1.header().zxid()).isEqualTo(h1.record().zxid());
        assertThat(rb1.header().zxid()).isEqualTo(h2.record().zxid());
        assertThat(ra2.header().zxid()).isEqualTo(h3.record().zxid());
        assertThat(ra1.seq()).isLessThan(rb1.seq());
        assertThat(rb1.seq()).isLessThan(ra2.seq());
        assertThat(pipeline.lastProcessedZxid()).isEqualTo(h3.record().zxid());
    }

    @Test
    void readZxidIsTheLastAppliedNotTheLastPrepared() {
        Client a = startAndConnect("10.0.0.1");
        Client b = connect("10.0.0.2");
        long applied = pipeline.lastProcessedZxid();
        sink.hold();
        int write = b.create("/x", 0);
        HeldSink.Held held = sink.next();
        Out read = a.call(OpCode.EXISTS, new Requests.PathWatch("/x", false));
        assertErr(read, Code.NONODE);
        assertThat(read.header().zxid()).isEqualTo(applied);
        held.release();
        assertThat(b.conn.reply(write).header().zxid()).isEqualTo(applied + 1);
        assertThat(a.call(OpCode.EXISTS, new Requests.PathWatch("/x", false))
                        .header()
                        .zxid())
                .isEqualTo(applied + 1);
    }

    @Test
    void failedWriteStillConsumesAZxid() {
        Client c = startAndConnect("10.0.0.1");
        Out first = c.conn.reply(c.create("/a", 0));
        Out dup = c.conn.reply(c.create("/a", 0));
        Out next = c.conn.reply(c.create("/b", 0));
        assertOk(first);
        assertErr(dup, Code.NODEEXISTS);
        assertOk(next);
        assertThat(dup.header().zxid()).isEqualTo(first.header().zxid() + 1);
        assertThat(next.header().zxid()).isEqualTo(first.header().zxid() + 2);
        assertThat(sink.appended.get(sink.appended.size() - 2).txn()).isEqualTo(new Txn.Error(Code.NODEEXISTS));
        assertThat(pipeline.lastProcessedZxid()).isEqualTo(next.header().zxid());
    }

    @Test
    void failedMultiReplyEncodingAndItsZxid() {
        Client c = startAndConnect("10.0.0.1");
        assertOk(c.conn.reply(c.create("/a", 0)));
        Requests.Create createM = new Requests.Create("/m", null, Acl.OPEN_ACL_UNSAFE, 0, -1);
        Requests.Multi multi = new Requests.Multi(List.of(
                new Requests.Op(OpCode.CREATE, createM),
                new Requests.Op(OpCode.CREATE, new Requests.Create("/a", null, Acl.OPEN_ACL_UNSAFE, 0, -1)),
                new Requests.Op(OpCode.SET_DATA, new Requests.SetData("/m", DATA, -1))));
        long before = pipeline.lastProcessedZxid();
        Out r = c.call(OpCode.MULTI, multi);
        assertThat(r.header()).isEqualTo(new ReplyHeader(r.header().xid(), before + 1, Code.OK));
        byte[] expected = new byte[] {
            -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            -1, -1, -1, -1, 0, -1, -1, -1, -110, -1, -1, -1, -110,
            -1, -1, -1, -1, 0, -1, -1, -1, -2, -1, -1, -1, -2,
            -1, -1, -1, -1, 1, -1, -1, -1, -1
        };
        assertThat(r.body()).containsExactly(expected);
        // Nothing of the multi was applied; a later create of /m works.
        assertOk(c.call(OpCode.CREATE, createM));
    }

    @Test
    void setWatchesCatchUpEventsPrecedeItsReply() {
        Client c = startAndConnect("10.0.0.1");
        Out created = c.conn.reply(c.create("/changed", 0));
        long rel = created.header().zxid();
        assertOk(c.conn.reply(c.setData("/changed", "v2".getBytes(StandardCharsets.UTF_8))));
        assertOk(c.conn.reply(c.create("/appeared", 0)));
        int xid = c.send(
                OpCode.SET_WATCHES,
                new Requests.SetWatches(
                        rel, List.of("/changed", "/gone"), List.of("/appeared"), List.of(), List.of(), List.of()));
        List<Out> outs = List.of(c.conn.next(), c.conn.next(), c.conn.next(), c.conn.next());
        assertThat(outs.subList(0, 3)).allMatch(o -> o.kind() == FakeConnection.Kind.NOTIFY && o.zxid() == -1);
        assertThat(outs.subList(0, 3))
                .extracting(Out::event)
                .containsExactlyInAnyOrder(
                        new WatcherEvent(WatcherEvent.NODE_DATA_CHANGED, 3, "/changed"),
                        new WatcherEvent(WatcherEvent.NODE_DELETED, 3, "/gone"),
                        new WatcherEvent(WatcherEvent.NODE_CREATED, 3, "/appeared"));
        assertThat(outs.get(3).header().xid()).isEqualTo(xid);
        assertOk(outs.get(3));
    }

    @Test
    void eventsAreOnlySentToConnectionsThatMayReadTheNode() {
        Client alice = startAndConnect("10.0.0.1");
        Client anon = connect("10.0.0.2");
        alice.auth("digest", "alice:secret");
        assertOk(alice.conn.reply(ReplyHeader.AUTH_XID));
        assertErr(anon.conn.reply(anon.exists("/private", true)), Code.NONODE);
        assertErr(alice.conn.reply(alice.exists("/private", true)), Code.NONODE);
        int xid = alice.send(OpCode.CREATE, creatorOnly("/private"));
        // alice hears of it (before her reply); anon, who may not read it, does not.
        alice.conn.notification(WatcherEvent.NODE_CREATED, "/private");
        assertOk(alice.conn.reply(xid));
        barrier();
        anon.conn.assertNothingSent();
    }

    // ------------------------------------------------------------------ errors and auth

    @Test
    void undecodableRequestGetsItsErrorInOrderThenClose() {
        Client c = startHoldingWrites();
        int write = c.create("/a", 0);
        pipeline.request(c.conn, 7, 999, null, Code.UNIMPLEMENTED);
        releaseOnceNothingWasSent(c);
        assertOk(c.conn.reply(write));
        Out err = c.conn.reply(7);
        assertThat(err.header()).isEqualTo(new ReplyHeader(7, -1, Code.UNIMPLEMENTED));
        assertThat(err.body()).isNull();
        c.conn.closed();
        // The session lives on (the client may reconnect).
        assertThat(pipeline.sessionCount()).isEqualTo(1);
    }

    @Test
    void digestAuthThenWhoAmI() {
        Client c = startAndConnect("10.0.0.7");
        c.auth("digest", "alice:secret");
        assertAuthReply(c, Code.OK);
        JuteReader in = c.call(OpCode.WHO_AM_I, Requests.Empty.INSTANCE).reader();
        assertThat(in.readInt()).isEqualTo(2);
        // ZooKeeper's order: its ConcurrentHashMap-backed set of jute Ids puts this digest before this ip.
        assertThat(List.of(in.readString(), in.readString())).containsExactly("digest", "alice");
        assertThat(List.of(in.readString(), in.readString())).containsExactly("ip", "10.0.0.7");
        assertThat(in.remaining()).isZero();
        // The digest identity is used for ACLs: auth expands to it.
        Out create = c.call(OpCode.CREATE, creatorOnly("/mine"));
        assertOk(create);
        Client other = connect("10.0.0.8");
        assertErr(other.conn.reply(other.getData("/mine", false)), Code.NOAUTH);
        assertOk(c.conn.reply(c.getData("/mine", false)));
    }

    @Test
    void authIsAnsweredInOrderWithTheSessionsOtherRequests() {
        Client c = startHoldingWrites();
        int write = c.create("/a", 0);
        c.auth("digest", "alice:secret");
        releaseOnceNothingWasSent(c);
        assertOk(c.conn.reply(write));
        assertOk(c.conn.reply(ReplyHeader.AUTH_XID));
    }

    @Test
    void superDigestBypassesAcls() {
        start(50, 100, 60_000, io.coordinator.server.tree.Acls.digest("super:hunter2"));
        Client alice = connect("10.0.0.1");
        alice.auth("digest", "alice:secret");
        assertOk(alice.conn.reply(ReplyHeader.AUTH_XID));
        assertOk(alice.call(OpCode.CREATE, creatorOnly("/mine")));

        Client root = connect("10.0.0.2");
        assertErr(root.conn.reply(root.getData("/mine", false)), Code.NOAUTH);
        root.auth("digest", "super:wrong");
        assertOk(root.conn.reply(ReplyHeader.AUTH_XID));
        assertErr(root.conn.reply(root.getData("/mine", false)), Code.NOAUTH);
        root.auth("digest", "super:hunter2");
        assertOk(root.conn.reply(ReplyHeader.AUTH_XID));
        assertThat(data(root.conn.reply(root.getData("/mine", false)))).isEqualTo("v1");
        assertOk(root.conn.reply(root.setData("/mine", DATA)));
        assertOk(root.call(OpCode.DELETE, new Requests.Delete("/mine", -1)));
    }

    @Test
    void saslIsAuthFailedThenCloseWhenNotEnabled() {
        Client c = startAndConnect("10.0.0.1");
        int xid = c.send(OpCode.SASL, new Requests.Sasl(new byte[] {1}));
        Out r = c.conn.reply(xid);
        assertThat(r.header()).isEqualTo(new ReplyHeader(xid, 0, Code.AUTHFAILED));
        assertThat(r.body()).containsExactly(-1, -1, -1, -1); // SetSASLResponse{null}, as ZooKeeper sends
        c.conn.closed();
        assertThat(pipeline.authFailures()).isEqualTo(1);
    }

    @Test
    void saslDigestMd5LoginGivesTheSessionASaslIdentityThatAclsKnow() throws Exception {
        extraAuthSchemes = Set.of("sasl");
        start();
        pipeline.setSaslAuthenticator(new SaslAuthenticator(Map.of("bob", "bobs-password", "eve", "other")));
        Client bob = connect("10.0.0.1");
        saslLogin(bob, "bob", "bobs-password");
        assertOk(bob.call(OpCode.CREATE, creatorOnly("/bobs")));
        Out acl = bob.call(OpCode.GET_ACL, new Requests.PathOnly("/bobs"));
        assertOk(acl);
        JuteReader in = acl.reader();
        assertThat(in.readInt()).isEqualTo(1);
        assertThat(in.readInt()).isEqualTo(31);
        assertThat(in.readString()).isEqualTo("sasl");
        assertThat(in.readString()).isEqualTo("bob");
        assertThat(data(bob.conn.reply(bob.getData("/bobs", false)))).isEqualTo("v1");

        Client anonymous = connect("10.0.0.2");
        assertErr(anonymous.conn.reply(anonymous.getData("/bobs", false)), Code.NOAUTH);
        assertOk(anonymous.call(
                OpCode.CREATE,
                new Requests.Create(
                        "/named",
                        DATA,
                        List.of(new Acl(31, new io.coordinator.server.protocol.Id("sasl", "bob"))),
                        0,
                        -1)));
        assertThat(pipeline.authFailures()).isZero();
    }

    @Test
    void aWrongSaslPasswordIsAuthFailedClosesAndIsCounted() throws Exception {
        start();
        pipeline.setSaslAuthenticator(new SaslAuthenticator(Map.of("bob", "bobs-password")));
        Client c = connect("10.0.0.1");
        SaslClient client = saslClient("bob", "wrong");
        int first = c.send(OpCode.SASL, new Requests.Sasl(new byte[0]));
        Out challenge = c.conn.reply(first);
        assertOk(challenge);
        byte[] response = client.evaluateChallenge(challenge.reader().readBuffer());
        int second = c.send(OpCode.SASL, new Requests.Sasl(response));
        Out failed = c.conn.reply(second);
        assertThat(failed.header()).isEqualTo(new ReplyHeader(second, 0, Code.AUTHFAILED));
        c.conn.closed();
        assertThat(pipeline.authFailures()).isEqualTo(1);

        Client garbage = connect("10.0.0.2");
        int xid = garbage.send(OpCode.SASL, new Requests.Sasl(new byte[] {1, 2, 3}));
        assertOk(garbage.conn.reply(xid)); // the challenge: the JDK's DIGEST-MD5 server ignores a first token
        xid = garbage.send(OpCode.SASL, new Requests.Sasl(new byte[] {1, 2, 3}));
        assertThat(garbage.conn.reply(xid).header()).isEqualTo(new ReplyHeader(xid, 0, Code.AUTHFAILED));
        garbage.conn.closed();
        assertThat(pipeline.authFailures()).isEqualTo(2);
    }

    /** A DIGEST-MD5 login as ZooKeeper's client runs it: an empty first token, then the JDK client's answers. */
    private void saslLogin(Client c, String user, String password) throws Exception {
        SaslClient client = saslClient(user, password);
        byte[] token = new byte[0];
        while (!client.isComplete()) {
            int xid = c.send(OpCode.SASL, new Requests.Sasl(token));
            Out r = c.conn.reply(xid);
            assertThat(r.header()).isEqualTo(new ReplyHeader(xid, 0, Code.OK));
            token = client.evaluateChallenge(r.reader().readBuffer());
        }
    }

    private static SaslClient saslClient(String user, String password) throws Exception {
        return Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, user, "zookeeper", "zk-sasl-md5", null, callbacks -> {
            for (var cb : callbacks) {
                if (cb instanceof NameCallback nc) {
                    nc.setName(user);
                } else if (cb instanceof PasswordCallback pc) {
                    pc.setPassword(password.toCharArray());
                } else if (cb instanceof RealmCallback rc) {
                    rc.setText(rc.getDefaultText());
                }
            }
        });
    }

    @Test
    void badAuthSchemeIsAuthFailedThenClose() {
        Client c = startAndConnect("10.0.0.1");
        c.auth("kerberos", "whatever");
        assertAuthReply(c, Code.AUTHFAILED);
        c.conn.closed();
        c.getData("/", false);
        barrier();
        c.conn.assertNothingSent();
    }

    // ------------------------------------------------------------------ sessions ending

    @Test
    void closeSessionDeletesEphemeralsFiresWatchesRepliesThenCloses() {
        Client owner = startAndConnect("10.0.0.1");
        Client watcher = connect("10.0.0.2");
        assertOk(owner.conn.reply(owner.create("/e1", 1)));
        assertOk(owner.conn.reply(owner.create("/e2", 1)));
        assertOk(owner.conn.reply(owner.create("/keep", 0)));
        assertOk(watcher.conn.reply(watcher.exists("/e1", true)));
        assertOk(watcher.conn.reply(watcher.send(OpCode.GET_CHILDREN, new Requests.PathWatch("/", true))));
        assertThat(pipeline.ephemeralCount()).isEqualTo(2);

        int close = owner.send(OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE);
        Out reply = owner.conn.reply(close);
        assertOk(reply);
        assertThat(reply.body()).isNull();
        Out closed = owner.conn.closed();

        Out deleted = watcher.conn.notification(WatcherEvent.NODE_DELETED, "/e1");
        Out children = watcher.conn.notification(WatcherEvent.NODE_CHILDREN_CHANGED, "/");
        assertThat(deleted.zxid()).isEqualTo(reply.header().zxid());
        assertThat(children.seq()).isLessThan(reply.seq());
        assertThat(reply.seq()).isLessThan(closed.seq());
        assertLastTxnClosed(owner);

        Out exists = watcher.call(OpCode.EXISTS, new Requests.PathWatch("/e2", false));
        assertErr(exists, Code.NONODE);
        assertOk(watcher.call(OpCode.EXISTS, new Requests.PathWatch("/keep", false)));
        assertThat(pipeline.ephemeralCount()).isZero();
        assertThat(pipeline.sessionCount()).isEqualTo(1);
        // The closed session cannot come back.
        assertIsToldItExpired(owner, 30_000);
    }

    @Test
    void expiredSessionLosesItsEphemeralsAndConnection() {
        start(20, 60, 300);
        Client c = connect("10.0.0.1", 300);
        assertOk(c.conn.reply(c.create("/eph", 1)));
        assertOk(c.conn.reply(c.create("/eph2", 1)));
        assertThat(pipeline.ephemeralsBySession()).containsEntry(c.sessionId, List.of("/eph", "/eph2"));
        // No more pings: the pipeline's own ticks expire the session.
        c.conn.closed();
        assertThat(pipeline.ephemeralsBySession()).isEmpty();
        assertThat(pipeline.ephemeralCount()).isZero();
        assertThat(pipeline.sessionCount()).isZero();
        assertLastTxnClosed(c);

        assertIsToldItExpired(c, 300);
    }

    @Test
    void requestsOfAnExpiringSessionAreSessionExpiredAndDoNotSkewTheOutstandingCount() {
        start(20, 60, 60_000);
        Client other = connect("10.0.0.2", 60_000);
        Client c = connect("10.0.0.1", 100);
        sink.hold();
        // The pipeline's ticks expire c: its close txn waits for the disk.
        HeldSink.Held close = sink.next();
        assertThat(close.record().txn()).isEqualTo(new Txn.CloseSession(c.sessionId));
        c.ping();
        Out ping = c.conn.reply(ReplyHeader.PING_XID);
        assertErr(ping, Code.SESSIONEXPIRED);
        c.conn.closed();
        barrier();
        assertThat(pipeline.outstandingRequests()).isZero();

        other.create("/x", 0);
        other.getData("/x", false);
        HeldSink.Held create = sink.next();
        barrier();
        assertThat(pipeline.outstandingRequests()).isEqualTo(2);
        close.release();
        create.release();
        assertOk(other.conn.next());
        assertOk(other.conn.next());
        barrier();
        assertThat(pipeline.outstandingRequests()).isZero();
    }

    @Test
    void disconnectedSessionKeepsItsEphemeralsUntilItReconnects() {
        Client c = startHoldingWrites();
        int write = c.create("/eph", 1);
        HeldSink.Held held = sink.next();
        pipeline.disconnected(c.conn);
        barrier();
        held.release();
        barrier();
        c.conn.assertNothingSent();
        assertThat(pipeline.outstandingRequests()).isZero();
        sink.releaseAll();

        Client back = new Client("10.0.0.2");
        pipeline.connect(back.conn, connectRequest(c.sessionId, c.passwd, 30_000, pipeline.lastProcessedZxid()));
        assertThat(back.conn.connectResponse().sessionId()).isEqualTo(c.sessionId);
        assertOk(back.call(OpCode.EXISTS, new Requests.PathWatch("/eph", false)));
        assertThat(write).isEqualTo(1);
    }

    // ------------------------------------------------------------------ ServerView

    @Test
    void serverViewReflectsTheState() {
        RequestPipeline view = start();
        assertThat(view.isServing()).isTrue();
        assertThat(view.mode()).isEqualTo("standalone");
        assertThat(view.isReadOnly()).isFalse();
        assertThat(view.configuration()).containsEntry("tickTime", "50");
        int baseNodes = view.nodeCount();
        assertThat(baseNodes).isPositive();

        Client a = connect("10.0.0.1");
        Client b = connect("10.0.0.2");
        assertThat(view.sessionCount()).isEqualTo(2);
        assertOk(a.conn.reply(a.create("/x", 0)));
        assertOk(a.conn.reply(a.create("/e", 1)));
        assertOk(b.conn.reply(b.getData("/x", true)));
        assertErr(b.conn.reply(b.exists("/nothing", true)), Code.NONODE);
        assertOk(a.conn.reply(a.getData("/x", true)));
        assertThat(view.nodeCount()).isEqualTo(baseNodes + 2);
        assertThat(view.ephemeralCount()).isEqualTo(1);
        assertThat(view.approximateDataSize()).isPositive();
        assertThat(view.watchCount()).isEqualTo(3);
        assertThat(view.watchedPathCount()).isEqualTo(2);
        assertThat(view.watchingSessionCount()).isEqualTo(2);
        assertThat(view.watchesBySession()).containsOnlyKeys(a.sessionId, b.sessionId);
        assertThat(view.watchesBySession().get(b.sessionId)).containsExactlyInAnyOrder("/x", "/nothing");
        assertThat(view.watchesByPath().get("/x")).containsExactlyInAnyOrder(a.sessionId, b.sessionId);
        assertThat(view.ephemeralsBySession()).isEqualTo(Map.of(a.sessionId, List.of("/e")));
        assertThat(view.lastProcessedZxid())
                .isEqualTo(sink.appended.get(sink.appended.size() - 1).zxid());

        sink.hold();
        a.create("/y", 0);
        a.getData("/y", false);
        HeldSink.Held held = sink.next();
        barrier();
        assertThat(view.outstandingRequests()).isEqualTo(2);
        held.release();
        a.conn.next();
        a.conn.next();
        barrier();
        assertThat(view.outstandingRequests()).isZero();

        pipeline.stop();
        assertThat(view.isServing()).isFalse();
    }
}
