package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.request.ClientConnection;
import io.coordinator.server.request.RequestSink;
import io.coordinator.testsupport.LoopbackPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * coordinator.max-outstanding-requests-per-connection with the official client: a connection over the limit
 * stops being read (back-pressure), loses nothing, resumes when its replies drain, and other connections
 * are served meanwhile. The pipeline is a stand-in whose replies to one session are held until released.
 */
class BackPressureTest {
    private static final int MAX_OUTSTANDING = 5;

    private final ExecutorService pipelineThread = Executors.newSingleThreadExecutor();
    private final ServerStats stats = new ServerStats();
    private final HoldingPipeline sink = new HoldingPipeline();
    private ClientPortServer server;
    private final List<ZooKeeper> clients = new ArrayList<>();

    /** Answers exists with a Stat; requests of held sessions wait until {@link #release}. */
    private final class HoldingPipeline implements RequestSink {
        private final AtomicLong nextSession = new AtomicLong(0x100);
        private final Map<ClientConnection, Long> sessions = new ConcurrentHashMap<>();
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final List<Runnable> waiting = new CopyOnWriteArrayList<>();

        @Override
        public void connect(ClientConnection connection, ConnectRequest request) {
            pipelineThread.execute(() -> {
                long sid = nextSession.getAndIncrement();
                sessions.put(connection, sid);
                FakeHandshake.accept(connection, request, sid);
            });
        }

        @Override
        public void request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode) {
            Runnable reply = () -> {
                connection.sendReply(new ReplyHeader(xid, 1, 0), xid > 0 ? Stat.ZERO : null);
                connection.flush();
            };
            pipelineThread.execute(() -> {
                if (xid > 0 && held.contains(sessions.get(connection))) {
                    waiting.add(reply);
                } else {
                    reply.run();
                }
            });
        }

        void release(long session) {
            pipelineThread.execute(() -> {
                held.remove(session);
                waiting.forEach(Runnable::run);
                waiting.clear();
            });
        }

        @Override
        public void disconnected(ClientConnection connection) {}
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        server.stop();
        pipelineThread.shutdownNow();
    }

    private ZooKeeper connect() throws Exception {
        ZooKeeper zk = io.coordinator.server.app.TestClients.connect("127.0.0.1:" + server.port());
        clients.add(zk);
        return zk;
    }

    @Test
    void aConnectionOverItsLimitStopsBeingReadLosesNothingAndOthersAreServed() throws Exception {
        server = new ClientPortServer(
                ClientPortConfig.of("127.0.0.1", LoopbackPorts.next()),
                sink,
                new FakeServerView(),
                stats,
                MAX_OUTSTANDING);
        server.start();
        ZooKeeper busy = connect();
        ZooKeeper other = connect();
        sink.held.add(busy.getSessionId());

        int n = 50;
        List<String> answered = new CopyOnWriteArrayList<>();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            busy.exists(
                    "/n" + i,
                    false,
                    (rc, path, ctx, stat) -> {
                        codes.add(rc);
                        answered.add(path);
                        all.countDown();
                    },
                    null);
        }

        NettyClientConnection busyConnection = connectionOf(busy.getSessionId());
        await().atMost(Duration.ofSeconds(30)).until(busyConnection::isThrottled);
        assertThat(busyConnection.channel().config().isAutoRead()).isFalse();
        assertThat(stats.readPauses()).isEqualTo(1);
        assertThat(other.exists("/other", false))
                .as("another connection is served meanwhile")
                .isNotNull();
        assertThat(answered).isEmpty();

        sink.release(busy.getSessionId());
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("/n" + i);
        }
        assertThat(answered).as("every request answered, in order").isEqualTo(expected);
        assertThat(codes).containsOnly(0);
        assertThat(busyConnection.isThrottled()).isFalse();
        assertThat(busy.exists("/after", false)).as("reading resumed").isNotNull();
    }

    private NettyClientConnection connectionOf(long sessionId) {
        return server.connections().connections().stream()
                .filter(c -> c.sessionId() == sessionId)
                .findFirst()
                .orElseThrow();
    }
}
