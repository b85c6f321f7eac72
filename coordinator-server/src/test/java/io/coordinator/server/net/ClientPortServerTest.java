package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.request.ClientConnection;
import io.coordinator.server.request.RequestSink;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ClientPortServer over real loopback sockets, with a small in-test pipeline. */
class ClientPortServerTest {
    private final FakeServerView view = new FakeServerView();
    private final ExecutorService pipelineThread = Executors.newSingleThreadExecutor();
    private final List<Socket> sockets = new ArrayList<>();
    private ClientPortServer server;

    /** Answers the handshake, pings and exists (NONODE for /missing, a Stat otherwise) from its own thread. */
    private final class FakePipeline implements RequestSink {
        private final AtomicLong nextSession = new AtomicLong(0x100);

        @Override
        public void connect(ClientConnection connection, ConnectRequest request) {
            pipelineThread.execute(() -> {
                long sid = nextSession.getAndIncrement();
                FakeHandshake.accept(connection, request, sid);
            });
        }

        @Override
        public void request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode) {
            pipelineThread.execute(() -> {
                long zxid = view.zxid;
                if (body == null) {
                    connection.sendReply(new ReplyHeader(xid, zxid, errorCode), null);
                    connection.close();
                    return;
                }
                if (type == OpCode.CLOSE_SESSION) {
                    connection.sendReply(new ReplyHeader(xid, zxid, 0), null);
                    connection.close();
                    return;
                }
                if (type == OpCode.PING) {
                    connection.sendReply(new ReplyHeader(xid, zxid, 0), null);
                } else if (type == OpCode.EXISTS && body instanceof Requests.PathWatch pw) {
                    if (pw.path().equals("/missing")) {
                        connection.sendReply(new ReplyHeader(xid, zxid, Code.NONODE), null);
                    } else {
                        connection.sendReply(new ReplyHeader(xid, zxid, 0), Stat.ZERO);
                    }
                } else {
                    connection.sendReply(new ReplyHeader(xid, zxid, Code.UNIMPLEMENTED), null);
                }
                connection.flush();
            });
        }

        @Override
        public void disconnected(ClientConnection connection) {}
    }

    private ClientPortServer start(ClientPortConfig config) {
        server = new ClientPortServer(config, new FakePipeline(), view);
        server.start();
        return server;
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop();
        }
        pipelineThread.shutdownNow();
    }

    private Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private String fourLetterWord(String word) throws IOException {
        try (Socket s = open()) {
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream din = new DataInputStream(in);
        int len = din.readInt();
        byte[] b = new byte[len];
        din.readFully(b);
        return b;
    }

    private static void send(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Opens a connection and completes the handshake. */
    /** Starts on an ephemeral loopback port and opens one connected session. */
    private Socket startWithASession() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0));
        return session();
    }

    private Socket session() throws IOException {
        Socket s = open();
        send(s, Wire.connectFrame());
        byte[] response = readFrame(s.getInputStream());
        assertThat(response).hasSize(37);
        return s;
    }

    private static ReplyHeader ping(Socket s) throws IOException {
        send(s, Wire.request(-2, OpCode.PING, w -> {}));
        return ReplyHeader.read(new JuteReader(readFrame(s.getInputStream())));
    }

    /** True when the server closed the socket (EOF or reset) without sending anything. */
    private static boolean closedWithoutOutput(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true; // connection reset
        }
    }

    @Test
    void ruokAnswersImok() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0));
        assertThat(server.port()).isPositive();
        assertThat(fourLetterWord("ruok")).isEqualTo("imok");
    }

    @Test
    void srvrPrintsZooKeepersLines() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0));
        String[] lines = fourLetterWord("srvr").split("\n");
        assertThat(lines).hasSize(9);
        assertThat(lines[0]).isEqualTo("Zookeeper version: " + ServerVersion.FULL);
        assertThat(lines[1]).matches("Latency min/avg/max: \\d+/\\d+\\.\\d+/\\d+");
        assertThat(lines[2]).matches("Received: \\d+");
        assertThat(lines[3]).matches("Sent: \\d+");
        assertThat(lines[4]).isEqualTo("Connections: 1");
        assertThat(lines[5]).isEqualTo("Outstanding: 0");
        assertThat(lines[6]).isEqualTo("Zxid: 0x100000005");
        assertThat(lines[7]).isEqualTo("Mode: standalone");
        assertThat(lines[8]).isEqualTo("Node count: 5");
    }

    @Test
    void mntrReportsTrafficOfLiveSessions() throws IOException {
        Socket s = startWithASession();
        assertThat(ping(s)).isEqualTo(new ReplyHeader(-2, view.zxid, 0));
        String mntr = fourLetterWord("mntr");
        assertThat(mntr)
                .contains("zk_version\t" + ServerVersion.FULL + "\n")
                .contains("zk_server_state\tstandalone\n")
                .contains("zk_num_alive_connections\t2\n")
                .contains("zk_packets_received\t3\n") // connect, ping, mntr
                .contains("zk_packets_sent\t2\n")
                .contains("zk_znode_count\t5\n")
                .contains("zk_max_file_descriptor_count\t");
    }

    @Test
    void requestsAreAnsweredInOrderThroughThePipelineThread() throws IOException {
        Socket s = startWithASession();
        send(
                s,
                Wire.concat(
                        Wire.request(
                                1, OpCode.EXISTS, w -> w.writeString("/missing").writeBool(false)),
                        Wire.request(2, OpCode.EXISTS, w -> w.writeString("/a").writeBool(false)),
                        Wire.request(-2, OpCode.PING, w -> {})));
        byte[] first = readFrame(s.getInputStream());
        byte[] second = readFrame(s.getInputStream());
        byte[] third = readFrame(s.getInputStream());
        assertThat(ReplyHeader.read(new JuteReader(first))).isEqualTo(new ReplyHeader(1, view.zxid, Code.NONODE));
        assertThat(first).hasSize(16);
        assertThat(ReplyHeader.read(new JuteReader(second))).isEqualTo(new ReplyHeader(2, view.zxid, 0));
        assertThat(second).hasSize(16 + 68);
        assertThat(ReplyHeader.read(new JuteReader(third)).xid()).isEqualTo(-2);

        String cons = fourLetterWord("cons");
        assertThat(cons)
                .contains("(queued=0,recved=4,sent=4,sid=0x100,lop=PING,est=")
                .contains(",to=30000,lcxid=0x2,");
    }

    @Test
    void unknownOpcodeIsAnsweredWithUnimplementedThenClosed() throws IOException {
        Socket s = startWithASession();
        send(s, Wire.request(5, 77, w -> w.writeInt(0)));
        assertThat(ReplyHeader.read(new JuteReader(readFrame(s.getInputStream()))))
                .isEqualTo(new ReplyHeader(5, view.zxid, Code.UNIMPLEMENTED));
        assertThat(closedWithoutOutput(s)).isTrue();
    }

    @Test
    void connectionsBeyondThePerIpLimitAreRefused() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0).withMaxClientConnectionsPerIp(2));
        Socket a = session();
        Socket b = session();
        Socket c = open();
        assertThat(closedWithoutOutput(c)).isTrue();
        assertThat(server.connections().connectionsFrom("127.0.0.1")).isEqualTo(2);
        assertThat(ping(a).err()).isZero();
        assertThat(ping(b).err()).isZero();
    }

    @Test
    void oversizedFrameClosesOnlyItsOwnConnection() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0));
        Socket good = session();
        Socket bad = session();
        send(bad, new byte[] {0x7f, 0, 0, 0, 1, 2, 3, 4});
        assertThat(closedWithoutOutput(bad)).isTrue();
        assertThat(ping(good)).isEqualTo(new ReplyHeader(-2, view.zxid, 0));
    }

    @Test
    void stopClosesConnectionsAndTheListenSocket() throws IOException {
        Socket s = startWithASession();
        int port = server.port();
        server.stop();
        assertThat(closedWithoutOutput(s)).isTrue();
        try (Socket again = new Socket("127.0.0.1", port)) {
            assertThat(again.getInputStream().read()).isEqualTo(-1);
        } catch (IOException expected) {
            // connection refused: nothing listens any more
        }
        server = null;
    }

    @Test
    void eofInsideAFrameIsHarmless() throws IOException {
        start(ClientPortConfig.of("127.0.0.1", 0));
        Socket half = open();
        send(half, new byte[] {0, 0, 0, 45, 0, 0});
        half.close();
        Socket s = session();
        assertThat(ping(s).err()).isZero();
    }

    @Test
    void nioTransportServesWhenEpollIsNotUsed() throws IOException {
        System.setProperty("coordinator.net.forceNio", "true");
        try {
            assertThat(ClientPortServer.Transport.select().name()).isEqualTo("nio");
            start(ClientPortConfig.of("127.0.0.1", 0));
        } finally {
            System.clearProperty("coordinator.net.forceNio");
        }
        assertThat(fourLetterWord("ruok")).isEqualTo("imok");
        Socket s = session();
        assertThat(ping(s).err()).isZero();
    }

    @Test
    void officialZooKeeperClientConnectsPingsAndCloses() throws Exception {
        start(ClientPortConfig.of("127.0.0.1", 0));
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 30000, event -> {});
        try {
            assertThat(zk.exists("/missing", false)).isNull();
            assertThat(zk.exists("/a", false)).isNotNull();
            assertThat(zk.getSessionId()).isEqualTo(0x100);
            assertThat(zk.getSessionTimeout()).isEqualTo(30000);
        } finally {
            zk.close();
        }
    }
}
