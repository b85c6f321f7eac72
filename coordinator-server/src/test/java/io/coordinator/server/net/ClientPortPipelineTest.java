package io.coordinator.server.net;

import static io.coordinator.server.net.Wire.buf;
import static io.coordinator.server.net.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.WatcherEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client-port pipeline over an EmbeddedChannel: framing, handshake, requests, replies, 4lw. */
class ClientPortPipelineTest {
    private final RecordingSink sink = new RecordingSink();
    private final FakeServerView view = new FakeServerView();
    private final ServerStats stats = new ServerStats();
    private final ConnectionRegistry registry = new ConnectionRegistry();

    private EmbeddedChannel channel(ClientPortConfig config, int maxOutstanding) {
        return new EmbeddedChannel(new ClientPortChannelInitializer(
                config, sink, view, stats, registry, maxOutstanding, DataDirSizes.NONE));
    }

    private EmbeddedChannel channel() {
        return channel(ClientPortConfig.of("127.0.0.1", 0), 1000);
    }

    /** A fresh channel that has received {@code text} in ASCII (a four-letter word, say). */
    private EmbeddedChannel received(String text) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii(text));
        return ch;
    }

    private static ByteBuf ascii(String text) {
        return buf(text.getBytes(StandardCharsets.US_ASCII));
    }

    private EmbeddedChannel handshaken() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Wire.connectFrame()));
        assertThat(sink.connects).hasSize(1);
        return ch;
    }

    private static byte[] getDataRequest(int xid, String path) {
        return Wire.request(xid, OpCode.GET_DATA, w -> w.writeString(path).writeBool(true));
    }

    private static byte[] outbound(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        return out == null ? null : bytes(out);
    }

    private static String text(EmbeddedChannel ch) {
        byte[] b = outbound(ch);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ framing and handshake

    @Test
    void connectRequestReachesTheSinkWithItsFields() {
        EmbeddedChannel ch = channel();
        byte[] frame = Wire.connectFrame();
        assertThat(Arrays.copyOf(frame, 4)).containsExactly(0, 0, 0, 45);
        assertThat(FourLetterWords.knownWord(45)).isNull();

        ch.writeInbound(buf(frame));

        assertThat(sink.connects).hasSize(1);
        assertThat(sink.connects.get(0).timeOut()).isEqualTo(30000);
        assertThat(sink.connects.get(0).readOnlyPresent()).isTrue();
        assertThat(ch.isOpen()).isTrue();
        assertThat(outbound(ch)).isNull();
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void connectRequestSplitIntoSingleBytesIsReassembled() {
        EmbeddedChannel ch = channel();
        byte[] frame = Wire.concat(Wire.connectFrame(), getDataRequest(1, "/a"));
        for (byte b : frame) {
            ch.writeInbound(buf(new byte[] {b}));
        }
        assertThat(sink.connects).hasSize(1);
        assertThat(sink.requests).hasSize(1);
        assertThat(sink.requests.get(0).body()).isEqualTo(new Requests.PathWatch("/a", true));
    }

    @Test
    void framesBehindABadConnectRequestInTheSameReadAreDropped() {
        // Fuzz finding (ClientPipelineFuzzTest): an empty first frame closed the connection, but a valid
        // ConnectRequest right behind it in the same read still reached the sink, for a closed connection.
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Wire.concat(Wire.frame(new byte[0]), Wire.connectFrame(), getDataRequest(1, "/a"))));
        assertThat(sink.connects).isEmpty();
        assertThat(sink.requests).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void severalFramesInOneReadArriveInOrder() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Wire.concat(
                Wire.connectFrame(),
                getDataRequest(1, "/a"),
                getDataRequest(2, "/b"),
                Wire.request(-2, OpCode.PING, w -> {}))));
        assertThat(sink.connects).hasSize(1);
        assertThat(sink.requests).extracting(RecordingSink.Request::xid).containsExactly(1, 2, -2);
        assertThat(sink.requests.get(2).body()).isEqualTo(Requests.Empty.INSTANCE);
        assertThat(sink.requests).allMatch(r -> r.errorCode() == Code.OK);
        assertThat(stats.packetsReceived()).isEqualTo(4);
    }

    @Test
    void connectRequestWithoutReadOnlyByteIsAccepted() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Wire.frame(Wire.connectRequest(false).toBytes())));
        assertThat(sink.connects).hasSize(1);
        assertThat(sink.connects.get(0).readOnlyPresent()).isFalse();
    }

    @Test
    void oversizedLengthClosesWithoutOutput() {
        EmbeddedChannel ch = channel(ClientPortConfig.of("127.0.0.1", 0).withMaxPacketSize(100), 1000);
        ch.writeInbound(buf(new byte[] {0, 0, 0, 101, 1, 2, 3}));
        assertThat(ch.isOpen()).isFalse();
        assertThat(sink.connects).isEmpty();
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void frameOfExactlyMaxPacketSizeIsAccepted() {
        byte[] path = new byte[100 - 8 - 4 - 1];
        Arrays.fill(path, (byte) 'a');
        path[0] = '/';
        byte[] req = getDataRequest(1, new String(path, StandardCharsets.US_ASCII));
        EmbeddedChannel limited = channel(ClientPortConfig.of("127.0.0.1", 0).withMaxPacketSize(100), 1000);
        limited.writeInbound(buf(Wire.concat(Wire.connectFrame(), req)));
        assertThat(req.length - 4).isEqualTo(100);
        assertThat(limited.isOpen()).isTrue();
        assertThat(sink.requests).hasSize(1);
    }

    @Test
    void defaultMaxPacketSizeIsJuteMaxBuffer() {
        EmbeddedChannel ch = handshaken();
        ch.writeInbound(buf(new byte[] {0, 0x10, 0, 0})); // 0x100000 = 0xfffff + 1
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void negativeLengthClosesAfterHandshake() {
        EmbeddedChannel ch = handshaken();
        ch.writeInbound(buf(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe}));
        assertThat(ch.isOpen()).isFalse();
        assertThat(sink.requests).isEmpty();
        assertThat(sink.disconnected).hasSize(1);
    }

    @Test
    void garbageIsAnOversizedLengthAndClosesSilently() {
        EmbeddedChannel ch = received("GET / HTTP/1.1\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(outbound(ch)).isNull();
        assertThat(sink.connects).isEmpty();
        assertThat(sink.disconnected).isEmpty();
    }

    @Test
    void unknownFourLetterWordClosesWithoutOutput() {
        EmbeddedChannel ch = received("abcd");
        assertThat(ch.isOpen()).isFalse();
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void truncatedConnectRequestCloses() {
        EmbeddedChannel ch = channel();
        byte[] full = Wire.connectRequest(true).toBytes();
        ch.writeInbound(buf(Wire.frame(Arrays.copyOf(full, 20))));
        assertThat(ch.isOpen()).isFalse();
        assertThat(sink.connects).isEmpty();
        assertThat(outbound(ch)).isNull();
    }

    // ------------------------------------------------------------------ requests

    @Test
    void unknownOpcodeGoesToTheSinkAsUnimplementedAndStopsReading() {
        EmbeddedChannel ch = handshaken();
        ch.writeInbound(buf(Wire.concat(Wire.request(7, 999, w -> w.writeInt(1)), getDataRequest(8, "/a"))));
        assertThat(sink.requests).hasSize(1);
        RecordingSink.Request r = sink.requests.get(0);
        assertThat(r.xid()).isEqualTo(7);
        assertThat(r.type()).isEqualTo(999);
        assertThat(r.body()).isNull();
        assertThat(r.errorCode()).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(ch.config().isAutoRead()).isFalse();
    }

    @Test
    void malformedBodyGoesToTheSinkAsMarshallingError() {
        EmbeddedChannel ch = handshaken();
        // getData whose path claims 50 bytes but carries 2
        ch.writeInbound(buf(Wire.request(
                3, OpCode.GET_DATA, w -> w.writeInt(50).writeByte((byte) '/').writeByte((byte) 'a'))));
        assertThat(sink.requests).hasSize(1);
        assertThat(sink.requests.get(0).body()).isNull();
        assertThat(sink.requests.get(0).errorCode()).isEqualTo(Code.MARSHALLINGERROR);

        // the pipeline answers in order; the connection keeps reading, as with ZooKeeper
        ClientConnectionProbe.reply(sink.requests.get(0), new ReplyHeader(3, 5, Code.MARSHALLINGERROR));
        byte[] reply = outbound(ch);
        assertThat(new JuteReader(reply, 4, reply.length - 4).readInt()).isEqualTo(3);
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(
                buf(Wire.request(4, OpCode.EXISTS, w -> w.writeString("/").writeBool(false))));
        assertThat(sink.requests).hasSize(2);
        assertThat(sink.requests.get(1).body()).isNotNull();
    }

    @Test
    void frameShorterThanAHeaderCloses() {
        EmbeddedChannel ch = handshaken();
        ch.writeInbound(buf(Wire.frame(new byte[] {0, 0, 0, 1, 0, 0, 0})));
        assertThat(ch.isOpen()).isFalse();
        assertThat(sink.requests).isEmpty();
    }

    @Test
    void disconnectIsReportedOnlyAfterAHandshake() {
        EmbeddedChannel plain = channel();
        plain.close();
        assertThat(sink.disconnected).isEmpty();
        assertThat(registry.size()).isZero();

        EmbeddedChannel ch = handshaken();
        assertThat(registry.size()).isEqualTo(1);
        ch.close();
        assertThat(sink.disconnected).containsExactly(sink.connections.get(0));
        assertThat(registry.size()).isZero();
    }

    // ------------------------------------------------------------------ replies

    @Test
    void repliesAreQueuedUntilFlushAndKeepTheirOrder() {
        EmbeddedChannel ch = handshaken();
        NettyClientConnection conn = (NettyClientConnection) sink.connections.get(0);
        conn.sendConnectResponse(new ConnectResponse(0, 30000, 0x1234L, new byte[16], false, true));
        ch.writeInbound(buf(getDataRequest(1, "/a")));
        conn.sendNotification(
                new WatcherEvent(WatcherEvent.NODE_DATA_CHANGED, WatcherEvent.STATE_SYNC_CONNECTED, "/a"), 9);
        conn.sendReply(new ReplyHeader(1, 9, Code.NONODE), null);
        ch.runPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();

        conn.flush();
        byte[] first = outbound(ch);
        byte[] second = outbound(ch);
        byte[] third = outbound(ch);
        assertThat(first).hasSize(4 + 37);
        assertThat(new JuteReader(second, 4, second.length - 4).readInt()).isEqualTo(-1);
        assertThat(new JuteReader(third, 4, third.length - 4).readInt()).isEqualTo(1);
        assertThat(ch.isOpen()).isTrue();
        assertThat(conn.packetsSent()).isEqualTo(3);
        assertThat(stats.packetsSent()).isEqualTo(3);
    }

    @Test
    void expiredConnectResponseIsSentThenTheConnectionCloses() {
        EmbeddedChannel ch = handshaken();
        NettyClientConnection conn = (NettyClientConnection) sink.connections.get(0);
        conn.sendConnectResponse(ConnectResponse.expired(true));
        byte[] out = outbound(ch);
        assertThat(out).hasSize(4 + 37);
        assertThat(ch.isOpen()).isFalse();
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void readingPausesWhileTooManyRequestsAreOutstanding() {
        EmbeddedChannel ch = channel(ClientPortConfig.of("127.0.0.1", 0), 2);
        ch.writeInbound(buf(Wire.concat(Wire.connectFrame(), getDataRequest(1, "/a"), getDataRequest(2, "/a"))));
        NettyClientConnection conn = (NettyClientConnection) sink.connections.get(0);
        assertThat(ch.config().isAutoRead()).isTrue();

        ch.writeInbound(buf(Wire.concat(Wire.request(-2, OpCode.PING, w -> {}), getDataRequest(3, "/a"))));
        assertThat(conn.outstandingRequests()).isEqualTo(3);
        assertThat(conn.isThrottled()).isTrue();
        assertThat(ch.config().isAutoRead()).isFalse();

        conn.sendReply(new ReplyHeader(-2, 0, 0), null); // pings do not count
        assertThat(ch.config().isAutoRead()).isFalse();
        conn.sendReply(new ReplyHeader(1, 0, 0), null);
        assertThat(conn.outstandingRequests()).isEqualTo(2);
        assertThat(conn.isThrottled()).isFalse();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void connectionStatisticsFollowRequestsAndReplies() {
        EmbeddedChannel ch = handshaken();
        NettyClientConnection conn = (NettyClientConnection) sink.connections.get(0);
        conn.sendConnectResponse(new ConnectResponse(0, 30000, 0xabcL, new byte[16], false, true));
        conn.sessionEstablished(0xabcL, 30000);
        ch.writeInbound(buf(Wire.concat(getDataRequest(5, "/a"), Wire.request(-2, OpCode.PING, w -> {}))));
        conn.sendReply(new ReplyHeader(5, 0x77, 0), new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(conn.lastOperation()).isEqualTo("GETD");
        assertThat(conn.lastCxid()).isEqualTo(5);
        assertThat(conn.lastZxid()).isEqualTo(0x77);
        conn.sendReply(new ReplyHeader(-2, 0x78, 0), null);
        assertThat(conn.lastOperation()).isEqualTo("PING");
        assertThat(conn.lastCxid()).isEqualTo(5);

        String line = conn.describe(false);
        assertThat(line).startsWith(" embedded[1](queued=0,recved=3,sent=3,sid=0xabc,lop=PING,est=");
        assertThat(line)
                .contains(",to=30000,lcxid=0x5,lzxid=0x78,lresp=")
                .contains(",minlat=")
                .endsWith(")");
        assertThat(conn.describe(true)).isEqualTo(" embedded[1](queued=0,recved=3,sent=3)");
        assertThat(stats.latencyCount()).isEqualTo(3); // session, getData, ping
    }

    // ------------------------------------------------------------------ four-letter words

    @Test
    void ruokAnswersImokAndCloses() {
        EmbeddedChannel ch = received("ruok\n");
        assertThat(text(ch)).isEqualTo("imok");
        assertThat(ch.isOpen()).isFalse();
        assertThat(sink.connects).isEmpty();
    }

    @Test
    void wordSplitAcrossReadsIsRecognised() {
        EmbeddedChannel ch = received("ru");
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(ascii("ok"));
        assertThat(text(ch)).isEqualTo("imok");
    }

    @Test
    void wordOutsideTheWhitelistIsRefused() {
        EmbeddedChannel ch = channel(ClientPortConfig.of("127.0.0.1", 0).withFourLetterWords(Set.of("ruok")), 1000);
        ch.writeInbound(ascii("stat"));
        assertThat(text(ch)).isEqualTo("stat is not executed because it is not in the whitelist.\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void srvrIsAlwaysEnabledAsInZooKeeper() {
        EmbeddedChannel ch = channel(ClientPortConfig.of("127.0.0.1", 0).withFourLetterWords(Set.of()), 1000);
        ch.writeInbound(ascii("srvr"));
        assertThat(text(ch)).startsWith("Zookeeper version: " + ServerVersion.FULL + "\n");
    }

    @Test
    void notServingAnswersTheNotServingLineButRuokStillAnswers() {
        view.serving = false;
        EmbeddedChannel srvr = received("srvr");
        assertThat(text(srvr)).isEqualTo("This ZooKeeper instance is not currently serving requests\n");

        EmbeddedChannel ruok = received("ruok");
        assertThat(text(ruok)).isEqualTo("imok");

        EmbeddedChannel isro = received("isro");
        assertThat(text(isro)).isEqualTo("null");
    }

    @Test
    void fourLetterWordCountsAsAReceivedPacket() {
        EmbeddedChannel ch = received("srvr");
        String out = text(ch);
        assertThat(out).contains("\nReceived: 1\n").contains("\nConnections: 1\n");
    }
}
