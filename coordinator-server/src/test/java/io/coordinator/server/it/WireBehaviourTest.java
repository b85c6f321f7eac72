package io.coordinator.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.net.MntrKeys;
import io.coordinator.testsupport.FaultProxy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.WatcherEvent;
import org.junit.jupiter.api.Test;

/** Connection-level behaviour: sessions, reconnection, expiry, framing, bad input, four-letter words. */
abstract class WireBehaviourTest extends ServerTestBase {

    static WatcherEvent event(byte[] frame) throws Exception {
        return RawClient.deserialize(new WatcherEvent(), frame, 16);
    }

    /** Creates {@code path} on {@code c} with empty data, the open ACL and {@code flags}; it must succeed. */
    static void create(RawClient c, String path, int flags) throws Exception {
        create(c, path, new byte[0], flags);
    }

    static void create(RawClient c, String path, byte[] data, int flags) throws Exception {
        assertThat(header(c.call(1, new CreateRequest(path, data, Ids.OPEN_ACL_UNSAFE, flags)))
                        .getErr())
                .as("create %s", path)
                .isZero();
    }

    static ReplyHeader header(RawClient.Exchange ex) throws Exception {
        assertThat(ex.reply()).as("reply (connection closed?)").isNotNull();
        return ex.header();
    }

    @Test
    void officialClientReconnectsThroughCutConnectionKeepingSessionEphemeralsAndWatches() throws Exception {
        String p = unique("reconnect");
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        try (FaultProxy proxy = new FaultProxy(port());
                ZooKeeper other = zk()) {
            CompletableFuture<Void> first = new CompletableFuture<>();
            ZooKeeper z = new ZooKeeper("127.0.0.1:" + proxy.port(), SESSION_TIMEOUT, e -> {
                // queue first: the test clears the queue once `first` completes
                events.add(e);
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    first.complete(null);
                }
            });
            try {
                first.get(30, TimeUnit.SECONDS);
                events.clear();
                long sid = z.getSessionId();
                z.create(p, "d".getBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                z.create(p + "/eph", null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                z.getData(p, true, null);
                z.exists(p + "/later", true);
                proxy.cutAll();
                WatchedEvent disc = events.poll(30, TimeUnit.SECONDS);
                assertThat(disc).isNotNull();
                assertThat(disc.getState()).isEqualTo(Watcher.Event.KeeperState.Disconnected);
                WatchedEvent re = events.poll(30, TimeUnit.SECONDS);
                assertThat(re).isNotNull();
                assertThat(re.getState()).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                assertThat(z.getSessionId()).isEqualTo(sid);
                catchUp(other, p);
                Stat eph = other.exists(p + "/eph", false);
                assertThat(eph).isNotNull();
                assertThat(eph.getEphemeralOwner()).isEqualTo(sid);
                // the watches were re-registered with setWatches and still fire
                other.setData(p, "e".getBytes(), -1);
                WatchedEvent changed = events.poll(30, TimeUnit.SECONDS);
                assertThat(changed).isNotNull();
                assertThat(changed.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
                assertThat(changed.getPath()).isEqualTo(p);
                other.create(p + "/later", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                WatchedEvent created = events.poll(30, TimeUnit.SECONDS);
                assertThat(created).isNotNull();
                assertThat(created.getType()).isEqualTo(Watcher.Event.EventType.NodeCreated);
                assertThat(created.getPath()).isEqualTo(p + "/later");
            } finally {
                z.close();
            }
        }
    }

    @Test
    void rawReconnectWithSessionIdAndPasswordKeepsEphemeralAndResumesWatchViaSetWatches() throws Exception {
        String p = unique("rawreconnect");
        try (RawClient owner = RawClient.session(port(), SESSION_TIMEOUT);
                RawClient other = RawClient.session(port(), SESSION_TIMEOUT)) {
            create(owner, p, 0);
            create(owner, p + "/e", 1);
            assertThat(header(owner.call(4, new GetDataRequest(p, true))).getErr())
                    .isZero();
            long rel = owner.lastZxidSeen;
            owner.closeAbruptly();
            try (RawClient again = RawClient.open(port())) {
                ConnectResponse r = again.connect(rel, SESSION_TIMEOUT, owner.sessionId, owner.passwd, true);
                assertThat(r).isNotNull();
                assertThat(r.getTimeOut()).isEqualTo(SESSION_TIMEOUT);
                assertThat(r.getSessionId()).isEqualTo(owner.sessionId);
                RawClient.Exchange ex = other.call(3, new ExistsRequest(p + "/e", false));
                assertThat(header(ex).getErr()).isZero();
                Stat st = RawClient.deserialize(new Stat(), ex.reply(), 16);
                assertThat(st.getEphemeralOwner()).isEqualTo(owner.sessionId);
                assertThat(header(again.call(101, new SetWatches(rel, List.of(p), List.of(), List.of())))
                                .getErr())
                        .isZero();
                assertThat(header(other.call(5, new SetDataRequest(p, "x".getBytes(), -1)))
                                .getErr())
                        .isZero();
                RawClient.Exchange ping = again.ping();
                assertThat(ping.before()).hasSize(1);
                WatcherEvent ev = event(ping.before().get(0));
                assertThat(ev.getType()).isEqualTo(3);
                assertThat(ev.getPath()).isEqualTo(p);
            }
        }
    }

    /** What a test checks after a second connection asked to reconnect to a live session with a wrong password. */
    protected interface WrongPasswordReconnect {
        void check(RawClient owner, RawClient thief, ConnectResponse reply) throws Exception;
    }

    /** A live session, and a second connection that reconnects to it with a wrong password: refused. */
    protected void reconnectWithWrongPassword(WrongPasswordReconnect then) throws Exception {
        try (RawClient owner = RawClient.session(port(), SESSION_TIMEOUT);
                RawClient thief = RawClient.open(port())) {
            byte[] wrong = owner.passwd.clone();
            wrong[3] ^= 0x55;
            ConnectResponse r = thief.connect(0, SESSION_TIMEOUT, owner.sessionId, wrong, true);
            assertThat(r).isNotNull();
            assertThat(r.getTimeOut()).isLessThanOrEqualTo(0);
            then.check(owner, thief, r);
        }
    }

    @Test
    void wrongPasswordGetsExpiredReplyAndClose() throws Exception {
        reconnectWithWrongPassword((owner, thief, r) -> {
            assertThat(r.getSessionId()).isZero();
            assertThat(r.getPasswd()).isEqualTo(new byte[16]);
            assertThat(thief.closedByPeer()).isTrue();
        });
    }

    @Test
    void unknownSessionGetsExpiredReply() throws Exception {
        try (RawClient c = RawClient.open(port())) {
            ConnectResponse r = c.connect(0, SESSION_TIMEOUT, 0x0badcafe12345L, new byte[16], true);
            assertThat(r).isNotNull();
            assertThat(r.getTimeOut()).isLessThanOrEqualTo(0);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void sessionExpiryRemovesEphemeralsAndFiresWatchesOnOtherSessions() throws Exception {
        String p = unique("expiry");
        CompletableFuture<WatchedEvent> deleted = new CompletableFuture<>();
        CompletableFuture<WatchedEvent> children = new CompletableFuture<>();
        try (ZooKeeper watcher = zk()) {
            watcher.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            RawClient dying = RawClient.session(port(), 4000);
            assertThat(dying.negotiatedTimeout).isEqualTo(4000);
            create(dying, p + "/e", 1);
            catchUp(watcher, p);
            assertThat(watcher.exists(p + "/e", deleted::complete)).isNotNull();
            watcher.getChildren(p, children::complete);
            long sid = dying.sessionId;
            byte[] pw = dying.passwd;
            dying.closeAbruptly(); // no closeSession: the server must expire it
            WatchedEvent e = deleted.get(60, TimeUnit.SECONDS);
            assertThat(e.getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(e.getPath()).isEqualTo(p + "/e");
            assertThat(children.get(60, TimeUnit.SECONDS).getType())
                    .isEqualTo(Watcher.Event.EventType.NodeChildrenChanged);
            assertThat(watcher.exists(p + "/e", false)).isNull();
            try (RawClient late = RawClient.open(port())) {
                ConnectResponse r = late.connect(0, 4000, sid, pw, true);
                assertThat(r).isNotNull();
                assertThat(r.getTimeOut()).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void officialClientLearnsItsSessionExpiredWhenItComesBack() throws Exception {
        String p = unique("expired-client");
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        CompletableFuture<WatchedEvent> deleted = new CompletableFuture<>();
        try (FaultProxy proxy = new FaultProxy(port());
                ZooKeeper other = zk()) {
            other.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ZooKeeper z = new ZooKeeper("127.0.0.1:" + proxy.port(), 4000, e -> states.add(e.getState()));
            try {
                assertThat(states.poll(30, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                z.create(p + "/e", null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                catchUp(other, p);
                assertThat(other.exists(p + "/e", deleted::complete)).isNotNull();
                proxy.refuseNew(true);
                proxy.cutAll();
                assertThat(deleted.get(60, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
                proxy.refuseNew(false);
                Watcher.Event.KeeperState s;
                do {
                    s = states.poll(60, TimeUnit.SECONDS);
                    assertThat(s)
                            .as("state events until Expired")
                            .isNotNull()
                            .isNotEqualTo(Watcher.Event.KeeperState.SyncConnected);
                } while (s != Watcher.Event.KeeperState.Expired);
                assertThat(z.getState()).isEqualTo(ZooKeeper.States.CLOSED);
            } finally {
                z.close();
            }
        }
    }

    @Test
    void clientWhoseLastZxidIsAheadIsClosedWithoutReply() throws Exception {
        try (RawClient c = RawClient.open(port())) {
            ConnectResponse r = c.connect(Long.MAX_VALUE / 2, SESSION_TIMEOUT, 0, new byte[16], true);
            assertThat(r).isNull();
        }
        // the server keeps serving
        try (RawClient ok = RawClient.session(port(), SESSION_TIMEOUT)) {
            assertThat(header(ok.call(3, new ExistsRequest("/", false))).getErr())
                    .isZero();
        }
    }

    @Test
    void sessionTimeoutIsClampedToTwoAndTwentyTicks() throws Exception {
        int[][] cases = {
            {1000, 4000}, {3999, 4000}, {4000, 4000}, {12345, 12345}, {40000, 40000}, {40001, 40000}, {100000, 40000}
        };
        for (int[] c : cases) {
            try (RawClient r = RawClient.session(port(), c[0])) {
                assertThat(r.negotiatedTimeout).as("requested %d", c[0]).isEqualTo(c[1]);
            }
        }
    }

    @Test
    void connectResponseIs37BytesWithReadOnlyByteAnd36Without() throws Exception {
        try (RawClient with = RawClient.open(port())) {
            assertThat(with.connect(0, SESSION_TIMEOUT, 0, new byte[16], true)).isNotNull();
            assertThat(with.lastConnectFrame).hasSize(37);
        }
        try (RawClient without = RawClient.open(port())) {
            ConnectResponse r = without.connect(0, SESSION_TIMEOUT, 0, new byte[16], false);
            assertThat(r).isNotNull();
            assertThat(without.lastConnectFrame).hasSize(36);
            assertThat(r.getTimeOut()).isEqualTo(SESSION_TIMEOUT);
            assertThat(r.getPasswd()).hasSize(16);
            assertThat(r.getSessionId()).isNotZero();
            // and the session works
            assertThat(header(without.call(3, new ExistsRequest("/", false))).getErr())
                    .isZero();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndPingsNeverWait() throws Exception {
        String p = unique("pipeline");
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            create(c, p, 0);
            List<Integer> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i % 50 == 25) {
                    c.send(-2, 11, null);
                    sent.add(-2);
                }
                int x = c.nextXid();
                c.send(x, 1, new CreateRequest(p + "/n" + i, new byte[1000], Ids.OPEN_ACL_UNSAFE, 0));
                sent.add(x);
            }
            List<Integer> got = new ArrayList<>();
            while (got.size() < sent.size()) {
                byte[] f = c.readFrame();
                assertThat(f)
                        .as("connection closed after %d replies", got.size())
                        .isNotNull();
                ReplyHeader h = RawClient.deserialize(new ReplyHeader(), f, 0);
                assertThat(h.getErr()).isZero();
                got.add(h.getXid());
            }
            // Replies come in request order. Pings may be answered ahead of writes still waiting for their
            // fsync (ZooKeeper queues them behind; both Java and Kazoo clients match ping replies by xid -2),
            // so compare the order of everything else and count the pings.
            assertThat(got.stream().filter(x -> x != -2).toList())
                    .isEqualTo(sent.stream().filter(x -> x != -2).toList());
            assertThat(got.stream().filter(x -> x == -2).count())
                    .isEqualTo(sent.stream().filter(x -> x == -2).count());
        }
    }

    @Test
    void unknownOpcodeGetsUnimplementedThenClose() throws Exception {
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            RawClient.Exchange ex = c.callBytes(4242, new byte[0]);
            ReplyHeader h = header(ex);
            assertThat(h.getErr()).isEqualTo(-6);
            assertThat(h.getZxid()).isEqualTo(-1);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    private void assertOtherSessionUnaffected(RawClient bystander, String eph) throws Exception {
        RawClient.Exchange ex = bystander.call(3, new ExistsRequest(eph, false));
        assertThat(header(ex).getErr()).isZero();
        assertThat(RawClient.deserialize(new Stat(), ex.reply(), 16).getEphemeralOwner())
                .isEqualTo(bystander.sessionId);
    }

    private RawClient bystander(String eph) throws Exception {
        RawClient b = RawClient.session(port(), SESSION_TIMEOUT);
        create(b, eph, 1);
        return b;
    }

    /**
     * Raw bytes sent on a new connection ({@code withSession}: after a handshake) close that connection and
     * leave another session (a bystander holding an ephemeral) unaffected.
     */
    private void assertRawBytesCloseOnlyTheirConnection(String name, boolean withSession, byte[]... chunks)
            throws Exception {
        String eph = unique(name);
        try (RawClient b = bystander(eph);
                RawClient c = withSession ? RawClient.session(port(), SESSION_TIMEOUT) : RawClient.open(port())) {
            for (byte[] chunk : chunks) {
                c.sendRawQuietly(chunk);
            }
            assertThat(c.closedByPeer()).isTrue();
            assertOtherSessionUnaffected(b, eph);
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(2 * 1024 * 1024);
        assertRawBytesCloseOnlyTheirConnection("bystander-big", true, bytes.toByteArray(), new byte[4096]);
    }

    @Test
    void oversizedFirstFrameIsClosed() throws Exception {
        assertRawBytesCloseOnlyTheirConnection(
                "bystander-big1", false, new byte[] {0x00, 0x20, 0x00, 0x00, 1, 2, 3, 4});
    }

    @Test
    void negativeLengthIsClosed() throws Exception {
        assertRawBytesCloseOnlyTheirConnection(
                "bystander-neg", true, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 0, 0, 0, 0});
    }

    @Test
    void garbageConnectRequestIsClosedWithoutReply() throws Exception {
        String eph = unique("bystander-garbage");
        try (RawClient b = bystander(eph);
                RawClient c = RawClient.open(port())) {
            c.sendFrame("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readFrame()).isNull();
            assertOtherSessionUnaffected(b, eph);
        }
    }

    @Test
    void truncatedRequestBodyGetsMarshallingErrorAndTheConnectionSurvives() throws Exception {
        String eph = unique("bystander-trunc");
        try (RawClient b = bystander(eph);
                RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            // a create whose path claims 1000 bytes but the frame ends after 3
            int x = c.nextXid();
            c.sendBytes(x, 1, new byte[] {0, 0, 3, (byte) 0xe8, '/', 'a', 'b'});
            RawClient.Exchange ex = c.awaitXid(x);
            // ZooKeeper 3.9.5 answers -5 (MARSHALLINGERROR) and keeps the connection open
            assertThat(header(ex).getErr()).isEqualTo(-5);
            assertThat(header(c.call(3, new ExistsRequest("/", false))).getErr())
                    .isZero();
            assertOtherSessionUnaffected(b, eph);
        }
    }

    @Test
    void writeRepliesCarryTheZxidOfTheirTxn() throws Exception {
        String p = unique("write-zxid");
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            RawClient.Exchange created = c.call(15, new CreateRequest(p, new byte[0], Ids.OPEN_ACL_UNSAFE, 0));
            ReplyHeader ch = header(created);
            assertThat(ch.getErr()).isZero();
            Stat cst = RawClient.deserialize(new org.apache.zookeeper.proto.Create2Response(), created.reply(), 16)
                    .getStat();
            assertThat(ch.getZxid()).isGreaterThan(0).isEqualTo(cst.getCzxid());
            RawClient.Exchange set = c.call(5, new SetDataRequest(p, "x".getBytes(), -1));
            ReplyHeader sh = header(set);
            assertThat(sh.getErr()).isZero();
            Stat sst = RawClient.deserialize(new org.apache.zookeeper.proto.SetDataResponse(), set.reply(), 16)
                    .getStat();
            assertThat(sh.getZxid()).isGreaterThan(ch.getZxid()).isEqualTo(sst.getMzxid());
            assertThat(c.lastZxidSeen).isEqualTo(sh.getZxid());
        }
    }

    @Test
    void closeSessionRepliesThenClosesAndDeletesEphemerals() throws Exception {
        String p = unique("close");
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT);
                ZooKeeper z = zk()) {
            create(c, p, 1);
            CompletableFuture<WatchedEvent> gone = new CompletableFuture<>();
            catchUp(z, p);
            assertThat(z.exists(p, gone::complete)).isNotNull();
            ReplyHeader h = header(c.call(-11, null));
            assertThat(h.getErr()).isZero();
            assertThat(h.getZxid()).isGreaterThan(0);
            assertThat(c.closedByPeer()).isTrue();
            WatchedEvent e = gone.get(30, TimeUnit.SECONDS);
            assertThat(e.getType()).isEqualTo(Watcher.Event.EventType.NodeDeleted);
            assertThat(z.exists(p, false)).isNull();
        }
    }

    // ---- four-letter words

    private String fourLetter(String w) throws Exception {
        return RawClient.fourLetterWord(port(), w);
    }

    @Test
    void ruokAnswersImok() throws Exception {
        assertThat(fourLetter("ruok")).isEqualTo("imok");
    }

    @Test
    void isroAnswersRw() throws Exception {
        assertThat(fourLetter("isro")).isEqualTo("rw");
    }

    @Test
    void srvrReportsItsMode() throws Exception {
        String s = fourLetter("srvr");
        assertThat(s)
                .startsWith("Zookeeper version: ")
                .contains("\nMode: " + server.mode() + "\n")
                .containsPattern("Latency min/avg/max: \\d+/[0-9.]+/\\d+\n")
                .containsPattern("\nReceived: \\d+\n")
                .containsPattern("\nSent: \\d+\n")
                .containsPattern("\nConnections: \\d+\n")
                .containsPattern("\nOutstanding: \\d+\n")
                .containsPattern("\nZxid: 0x[0-9a-f]+\n")
                .containsPattern("\nNode count: \\d+\n");
    }

    @Test
    void srvrWithTrailingNewlineLikeEcho() throws Exception {
        assertThat(fourLetter("srvr\n")).contains("Mode: " + server.mode());
    }

    @Test
    void statListsClients() throws Exception {
        try (ZooKeeper z = zkHere()) {
            String s = fourLetter("stat");
            assertThat(s)
                    .startsWith("Zookeeper version: ")
                    .contains("Clients:\n")
                    .contains(" /127.0.0.1:")
                    .contains("Mode: " + server.mode());
        }
    }

    @Test
    void mntrHasTheStandardKeys() throws Exception {
        String s = fourLetter("mntr");
        for (String key : MntrKeys.STANDARD) {
            assertThat(s).containsPattern("(^|\n)" + key + "\t[^\n]+\n");
        }
        assertThat(s).contains("zk_server_state\t" + server.mode() + "\n");
        for (String line : s.split("\n")) {
            assertThat(line).matches("zk_[^\t]+\t.*");
        }
    }

    @Test
    void enviStartsWithEnvironmentAndZooKeeperVersion() throws Exception {
        String s = fourLetter("envi");
        assertThat(s)
                .startsWith("Environment:\nzookeeper.version=3.9.")
                .contains("\nhost.name=")
                .contains("\njava.version=")
                .contains("\nos.name=");
    }

    @Test
    void confHasClientPortAndTickTime() throws Exception {
        String s = fourLetter("conf");
        assertThat(s)
                .contains("clientPort=" + port() + "\n")
                .contains("tickTime=2000\n")
                .contains("minSessionTimeout=4000\n")
                .contains("maxSessionTimeout=40000\n")
                .contains("dataDir=");
    }

    /** A new node (named after {@code prefix}) that {@code z} watches with a data watch. */
    private String watchedNode(ZooKeeper z, String prefix) throws Exception {
        String p = unique(prefix);
        z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        z.getData(p, true, null);
        return p;
    }

    @Test
    void wchsSummarisesWatches() throws Exception {
        try (ZooKeeper z = zkHere()) {
            String p = watchedNode(z, "wchs");
            String s = fourLetter("wchs");
            assertThat(s)
                    .matches("(?s)\\d+ connections watching \\d+ paths\nTotal watches:\\d+\n")
                    .doesNotStartWith("0 connections");
        }
    }

    @Test
    void consListsEachConnection() throws Exception {
        try (ZooKeeper z = zkHere()) {
            z.exists("/", false);
            String s = fourLetter("cons");
            String sid = "0x" + Long.toHexString(z.getSessionId());
            assertThat(s)
                    .containsPattern(" /127\\.0\\.0\\.1:\\d+\\[1\\]\\(queued=\\d+,recved=\\d+,sent=\\d+,sid="
                            + sid
                            + ",lop=\\w+,est=\\d+,to=30000,lcxid=0x[0-9a-f]+,lzxid=0x[0-9a-f]+,lresp=\\d+,llat=\\d+,"
                            + "minlat=\\d+,avglat=\\d+,maxlat=\\d+\\)\n");
            // the connection asking is listed too, not yet a session
            assertThat(s)
                    .containsPattern(" /127\\.0\\.0\\.1:\\d+\\[0\\]\\(queued=0,recved=1,sent=0\\)\n")
                    .endsWith("\n\n");
        }
    }

    @Test
    void wchcAndWchpListWatchesBySessionAndByPath() throws Exception {
        try (ZooKeeper z = zkHere()) {
            String p = watchedNode(z, "wchx");
            String sid = "0x" + Long.toHexString(z.getSessionId());
            assertThat(fourLetter("wchc")).contains(sid + "\n\t" + p + "\n");
            assertThat(fourLetter("wchp")).contains(p + "\n\t" + sid + "\n");
        }
    }

    @Test
    void dumpListsSessionsAndEphemerals() throws Exception {
        String p = unique("dump");
        try (ZooKeeper z = zkHere()) {
            z.create(p, null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            String sid = "0x" + Long.toHexString(z.getSessionId());
            String s = fourLetter("dump");
            assertThat(s)
                    .startsWith("SessionTracker dump:\n")
                    .contains("ephemeral nodes dump:\n")
                    .containsPattern("Sessions with Ephemerals \\(\\d+\\):\n")
                    .contains(sid + ":\n\t" + p + "\n");
        }
    }

    @Test
    void dirsCrstSrstAnswer() throws Exception {
        assertThat(fourLetter("dirs")).matches("datadir_size: \\d+\nlogdir_size: \\d+\n");
        assertThat(fourLetter("crst")).isEqualTo("Connection stats reset.\n");
        assertThat(fourLetter("srst")).isEqualTo("Server stats reset.\n");
    }

    @Test
    void dataJustUnderTheFrameLimitRoundTripsAndOverItClosesTheConnection() throws Exception {
        String p = unique("big");
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            byte[] big = new byte[1_048_576 - 100];
            java.util.Arrays.fill(big, (byte) 7);
            create(c, p, big, 0);
            RawClient.Exchange ex = c.call(4, new GetDataRequest(p, false));
            assertThat(header(ex).getErr()).isZero();
            org.apache.zookeeper.proto.GetDataResponse r =
                    RawClient.deserialize(new org.apache.zookeeper.proto.GetDataResponse(), ex.reply(), 16);
            assertThat(r.getData()).isEqualTo(big);
            // a frame over jute.maxbuffer (0xfffff): the connection is closed, the node is not changed
            try {
                c.send(c.nextXid(), 5, new SetDataRequest(p, new byte[1_048_576], -1));
            } catch (java.io.IOException closedWhileSending) {
                // also acceptable: closed before all was sent
            }
            assertThat(c.closedByPeer()).isTrue();
        }
        try (ZooKeeper z = zk()) {
            catchUp(z, p);
            assertThat(z.exists(p, false).getVersion()).isZero();
        }
    }

    @Test
    void reconnectingFromASecondSocketTakesTheSessionOver() throws Exception {
        String p = unique("takeover");
        try (RawClient first = RawClient.session(port(), SESSION_TIMEOUT)) {
            create(first, p, 1);
            try (RawClient second = RawClient.open(port())) {
                ConnectResponse r =
                        second.connect(first.lastZxidSeen, SESSION_TIMEOUT, first.sessionId, first.passwd, true);
                assertThat(r.getTimeOut()).isEqualTo(SESSION_TIMEOUT);
                assertThat(r.getSessionId()).isEqualTo(first.sessionId);
                assertThat(r.getPasswd()).isEqualTo(first.passwd);
                // the old connection is closed by the server; the session lives on the new one
                assertThat(first.closedByPeer()).isTrue();
                RawClient.Exchange ex = second.call(3, new ExistsRequest(p, false));
                assertThat(header(ex).getErr()).isZero();
                assertThat(RawClient.deserialize(new Stat(), ex.reply(), 16).getEphemeralOwner())
                        .isEqualTo(first.sessionId);
            }
        }
    }

    @Test
    void unknownFourLetterWordClosesWithoutOutput() throws Exception {
        assertThat(fourLetter("abcd")).isEmpty();
    }

    @Test
    void fourLetterWordOnAnEstablishedSessionIsNotInterpreted() throws Exception {
        try (RawClient c = RawClient.session(port(), SESSION_TIMEOUT)) {
            c.sendRaw("ruok"); // read as a frame length of 0x72756f6b: far too large
            assertThat(c.closedByPeer()).isTrue();
        }
    }
}
