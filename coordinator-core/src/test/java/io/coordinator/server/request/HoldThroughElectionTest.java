package io.coordinator.server.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.request.FakeConnection.Kind;
import io.coordinator.server.session.SessionIds;
import io.coordinator.server.session.SessionPasswords;
import io.coordinator.server.session.SessionTracker;
import io.coordinator.server.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A learner keeps its clients through an election: pings are answered, other requests wait, and a write sent to
 * the old leader gets exactly one outcome: its txn's reply if the new leadership's history holds it, else it is
 * sent again to the new leader, and if the same leadership goes on (its outcome unknown) the connection closes.
 */
class HoldThroughElectionTest {
    private static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes(StandardCharsets.UTF_8);
    private static final int TICK_MS = 50;

    private final AtomicLong sequence = new AtomicLong();
    private final HeldSink sink = new HeldSink();
    private RequestPipeline pipeline;
    private long zxid;

    /** What a learner sent its leader: each call as a message. */
    private record Sent(String kind, long sessionId, int cxid, int type) {}

    private static final class RecordingLink implements LeaderLink {
        final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();

        @Override
        public void forward(long sessionId, int cxid, int type, Requests.Body body, List<Id> authIds) {
            sent.add(new Sent("forward", sessionId, cxid, type));
        }

        @Override
        public void createSession(long sessionId, int timeoutMs) {
            sent.add(new Sent("createSession", sessionId, 0, 0));
        }

        @Override
        public void sync(long sessionId, int cxid) {
            sent.add(new Sent("sync", sessionId, cxid, 0));
        }

        @Override
        public void touch(List<Long> sessionIds) {}

        Sent next(String kind) {
            try {
                while (true) {
                    Sent s = sent.poll(10, TimeUnit.SECONDS);
                    assertThat(s).as("a %s to the leader", kind).isNotNull();
                    if (s.kind().equals(kind)) {
                        return s;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @BeforeEach
    void start() {
        DataTree tree = new DataTree();
        pipeline = new RequestPipeline(
                new PipelineConfig(TICK_MS, 600, 60_000, false, true, null, 3_600_000, 1000, 1_000_000, Set.of(), null),
                new StateMachine(tree, new SessionTracker(TICK_MS)),
                new SessionIds(2, 1_700_000_000_000L),
                new SessionPasswords(SECRET),
                sink,
                (z, sessions) -> {},
                Map.of());
        pipeline.startInEnsemble();
        zxid = 1L << 32;
    }

    @AfterEach
    void stop() {
        pipeline.stop();
    }

    private void on(Runnable task) {
        pipeline.submit(task);
    }

    /** Waits until everything handed to the pipeline thread so far has run. */
    private void barrier() {
        pipeline.watchCount();
    }

    private void commit(long sessionId, int cxid, Txn txn) {
        TxnRecord record = new TxnRecord(new TxnHeader(sessionId, cxid, ++zxid, 1L, txn.type()), txn);
        on(() -> pipeline.applyCommitted(record));
    }

    private static Requests.Create create(String path) {
        return new Requests.Create(path, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, -1);
    }

    /** A client of this learner with a committed session. */
    private long connect(FakeConnection conn, RecordingLink link, int timeoutMs) {
        pipeline.connect(conn, new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false, true));
        long id = link.next("createSession").sessionId();
        commit(id, 0, new Txn.CreateSession(id, timeoutMs));
        assertThat(conn.connectResponse().sessionId()).isEqualTo(id);
        return id;
    }

    private void ping(FakeConnection conn) {
        pipeline.request(conn, ReplyHeader.PING_XID, OpCode.PING, Requests.Empty.INSTANCE, Code.OK);
        assertThat(conn.next(Kind.REPLY).header().xid()).isEqualTo(ReplyHeader.PING_XID);
    }

    /** Serves as a learner, in {@code epoch}, of a new leader link (returned: what the learner sends it). */
    private RecordingLink learnerOf(long epoch) {
        RecordingLink link = new RecordingLink();
        on(() -> pipeline.serveAsLearner(link, false, epoch));
        return link;
    }

    /** After an election: a learner of a leader of {@code epoch} that answers its barrier sync, so it resumes. */
    private RecordingLink resumeUnder(long epoch) {
        RecordingLink link = learnerOf(epoch);
        answerBarrier(link);
        return link;
    }

    /** The new leader answers the learner's barrier sync; everything before it is applied already. */
    private void answerBarrier(RecordingLink link) {
        Sent barrier = link.next("sync");
        assertThat(barrier.sessionId())
                .as("the resume barrier is no client's sync")
                .isZero();
        long upTo = zxid;
        on(() -> pipeline.syncDone(0, barrier.cxid(), upTo));
    }

    @Test
    void aWriteLostWithTheOldLeaderIsSentAgainToTheNewOneAndTheConnectionStays() {
        RecordingLink oldLeader = learnerOf(1);
        FakeConnection conn = new FakeConnection("10.0.0.1", sequence);
        long session = connect(conn, oldLeader, 30_000);
        pipeline.request(conn, 1, OpCode.CREATE, create("/a"), Code.OK);
        assertThat(oldLeader.next("forward").cxid()).isEqualTo(1);

        on(() -> pipeline.holdClients("looking for a leader"));
        ping(conn); // the client sees a live server
        on(() -> pipeline.holdClients("syncing with the leader")); // the election's second step
        pipeline.request(conn, 2, OpCode.GET_DATA, new Requests.PathWatch("/", false), Code.OK);
        pipeline.request(conn, 3, OpCode.CREATE, create("/b"), Code.OK);
        barrier();
        conn.assertNothingSent();

        RecordingLink newLeader = resumeUnder(2);
        // The old leader's proposal never committed: write 1 goes to the new leader, then write 3 behind it.
        Sent again = newLeader.next("forward");
        assertThat(again.cxid()).isEqualTo(1);
        assertThat(again.sessionId()).isEqualTo(session);
        commit(session, 1, new Txn.Create("/a", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1));
        assertThat(conn.reply(1).header().err()).isEqualTo(Code.OK);
        assertThat(conn.reply(2).header().err()).isEqualTo(Code.OK);
        assertThat(newLeader.next("forward").cxid()).isEqualTo(3);
        commit(session, 3, new Txn.Create("/b", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1));
        assertThat(conn.reply(3).header().err()).isEqualTo(Code.OK);
        assertThat(conn.isOpen()).isTrue();
    }

    @Test
    void aWriteTheNewLeadershipCommittedIsAnsweredOnceAndNotSentAgain() {
        RecordingLink oldLeader = learnerOf(1);
        FakeConnection conn = new FakeConnection("10.0.0.1", sequence);
        long session = connect(conn, oldLeader, 30_000);
        pipeline.request(conn, 1, OpCode.CREATE, create("/a"), Code.OK);
        oldLeader.next("forward");

        on(() -> pipeline.holdClients("looking for a leader"));
        // The sync with the new leader delivers the old proposal, committed in its history.
        commit(session, 1, new Txn.Create("/a", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1));
        assertThat(conn.reply(1).header().err()).isEqualTo(Code.OK);

        RecordingLink newLeader = resumeUnder(2);
        pipeline.request(conn, 2, OpCode.EXISTS, new Requests.PathWatch("/a", false), Code.OK);
        assertThat(conn.reply(2).header().err()).isEqualTo(Code.OK);
        barrier();
        assertThat(newLeader.sent).noneMatch(s -> s.kind().equals("forward"));
    }

    @Test
    void aResyncWithALeaderThatKeptLeadingClosesAConnectionWhoseWriteMayStillCommit() {
        RecordingLink leader = learnerOf(1);
        FakeConnection writer = new FakeConnection("10.0.0.1", sequence);
        connect(writer, leader, 30_000);
        FakeConnection reader = new FakeConnection("10.0.0.2", sequence);
        connect(reader, leader, 30_000);
        pipeline.request(writer, 1, OpCode.CREATE, create("/a"), Code.OK);
        leader.next("forward");

        on(() -> pipeline.holdClients("syncing with the leader"));
        RecordingLink same = resumeUnder(1);
        writer.closed(); // unknown outcome: told by a disconnect, as ever
        pipeline.request(reader, 1, OpCode.EXISTS, new Requests.PathWatch("/", false), Code.OK);
        assertThat(reader.reply(1).header().err()).isEqualTo(Code.OK);
        barrier();
        assertThat(same.sent).noneMatch(s -> s.kind().equals("forward"));
    }

    /** A client of this learner with a session of {@code timeoutMs}, held: the learner lost its leader. */
    private FakeConnection heldLearnerClient(int timeoutMs) {
        RecordingLink leader = learnerOf(1);
        FakeConnection conn = new FakeConnection("10.0.0.1", sequence);
        connect(conn, leader, timeoutMs);
        on(() -> pipeline.holdClients("looking for a leader"));
        return conn;
    }

    @Test
    void aConnectionHeldPastItsReadTimeoutIsClosedSoItsClientMovesOn() {
        FakeConnection conn = heldLearnerClient(600); // 400 ms of read timeout
        conn.closed();
    }

    /**
     * A client closing its session while held (an application stopping during an election) is let go at the next
     * tick, not at its read timeout (40 s here): the session then ends by expiry, as with ZooKeeper's member,
     * which drops its clients at once.
     */
    @Test
    void aHeldCloseSessionLetsItsClientGoAtTheNextTick() {
        FakeConnection conn = heldLearnerClient(60_000);
        ping(conn); // held, not closed
        pipeline.request(conn, 7, OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE, Code.OK);
        conn.closed();
    }

    @Test
    void aConnectionStillWaitingForTheNewLeadershipsAnswerIsClosedAtItsReadTimeoutToo() {
        FakeConnection conn = heldLearnerClient(600);
        RecordingLink silent = learnerOf(2); // its barrier is never answered
        silent.next("sync");
        conn.closed();
    }

    @Test
    void aSyncAskedOfTheOldLeaderIsAskedAgainOfTheNewOne() {
        RecordingLink oldLeader = learnerOf(1);
        FakeConnection conn = new FakeConnection("10.0.0.1", sequence);
        long session = connect(conn, oldLeader, 30_000);
        pipeline.request(conn, 1, OpCode.SYNC, new Requests.PathOnly("/"), Code.OK);
        oldLeader.next("sync");
        on(() -> pipeline.holdClients("looking for a leader"));
        on(() -> pipeline.syncDone(session, 1, 0)); // the old leader's late answer counts for nothing now

        RecordingLink newLeader = resumeUnder(2);
        Sent again = newLeader.next("sync");
        assertThat(again.sessionId()).isEqualTo(session);
        barrier();
        conn.assertNothingSent();
        commit(session, 9, new Txn.Create("/x", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1));
        long upTo = zxid;
        on(() -> pipeline.syncDone(session, again.cxid(), upTo));
        assertThat(conn.reply(1).header().zxid()).isEqualTo(upTo);
    }

    @Test
    void aLeaderDropsAWriteForwardedUnderAnotherEpoch() {
        on(() -> pipeline.serveAsLeader(0, 3));
        barrier();
        int before = sink.appended.size();
        on(() -> pipeline.forwardedRequest(2, 0x77, 1, OpCode.CREATE, create("/late"), List.of()));
        on(() -> pipeline.forwardedRequest(3, 0x77, 2, OpCode.CREATE, create("/now"), List.of()));
        barrier();
        assertThat(sink.appended.subList(before, sink.appended.size()))
                .extracting(r -> r.header().cxid())
                .containsExactly(2);
    }

    /**
     * Found by the failover benchmark: a learner's sync (and its resume barrier) right after an election was
     * answered with (epoch, 0), a zxid no txn has, so it waited for the new epoch's first write.
     */
    @Test
    void aSyncBeforeTheEpochsFirstProposalWaitsOnlyForTheHistoryTheEpochStartedFrom() {
        long historyEnd = (1L << 32) + 5;
        on(() -> pipeline.serveAsLeader(historyEnd, 2));
        barrier();
        assertThat(pipeline.lastProposedZxid()).isEqualTo(historyEnd);
        on(() -> pipeline.forwardedRequest(2, 0x77, 1, OpCode.CREATE, create("/first"), List.of()));
        barrier();
        assertThat(pipeline.lastProposedZxid()).isEqualTo((2L << 32) + 1);
    }
}
