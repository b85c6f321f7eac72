package io.coordinator.server.net;

import static io.coordinator.server.net.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Stat;
import io.coordinator.server.protocol.WatcherEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Byte layouts of what the server sends. */
class FrameEncodingTest {

    @Test
    void connectResponseWithReadOnlyByteIs37Bytes() {
        byte[] passwd = new byte[16];
        Arrays.fill(passwd, (byte) 7);
        byte[] f = bytes(NettyClientConnection.encodeConnectResponse(
                new ConnectResponse(0, 4000, 0x0102030405060708L, passwd, true, true)));
        assertThat(f).hasSize(41);
        JuteReader r = new JuteReader(f);
        assertThat(r.readInt()).isEqualTo(37);
        assertThat(r.readInt()).isZero(); // protocolVersion
        assertThat(r.readInt()).isEqualTo(4000); // timeOut
        assertThat(r.readLong()).isEqualTo(0x0102030405060708L);
        assertThat(r.readBuffer()).isEqualTo(passwd);
        assertThat(r.readByte()).isEqualTo((byte) 1);
        assertThat(r.hasRemaining()).isFalse();
    }

    @Test
    void connectResponseWithoutReadOnlyByteIs36Bytes() {
        byte[] f = bytes(NettyClientConnection.encodeConnectResponse(
                new ConnectResponse(0, 4000, 1L, new byte[16], false, false)));
        assertThat(f).hasSize(40);
        assertThat(new JuteReader(f).readInt()).isEqualTo(36);
    }

    @Test
    void replyWithoutBodyIsAHeaderOnly() {
        byte[] f = bytes(NettyClientConnection.encodeReply(new ReplyHeader(12, 0x500000001L, Code.NONODE), null));
        assertThat(f)
                .containsExactly(
                        0, 0, 0, 16, 0, 0, 0, 12, 0, 0, 0, 5, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte)
                                0x9b);
    }

    @Test
    void replyWithBodyAppendsTheRecord() {
        Stat stat = new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        byte[] f = bytes(NettyClientConnection.encodeReply(new ReplyHeader(3, 9, 0), stat));
        assertThat(f).hasSize(4 + 16 + 68);
        JuteReader r = new JuteReader(f);
        assertThat(r.readInt()).isEqualTo(84);
        assertThat(ReplyHeader.read(r)).isEqualTo(new ReplyHeader(3, 9, 0));
        assertThat(r.readLong()).isEqualTo(1);
        assertThat(Arrays.copyOfRange(f, 20, f.length)).isEqualTo(stat.toBytes());
    }

    @Test
    void notificationIsXidMinusOneWithAWatcherEvent() {
        byte[] f = bytes(NettyClientConnection.encodeNotification(
                new WatcherEvent(WatcherEvent.NODE_DELETED, WatcherEvent.STATE_SYNC_CONNECTED, "/a/b"), 0x300000002L));
        JuteReader r = new JuteReader(f);
        assertThat(r.readInt()).isEqualTo(f.length - 4).isEqualTo(16 + 4 + 4 + 4 + 4);
        assertThat(ReplyHeader.read(r)).isEqualTo(new ReplyHeader(-1, 0x300000002L, 0));
        assertThat(WatcherEvent.read(r)).isEqualTo(new WatcherEvent(2, 3, "/a/b"));
        assertThat(r.hasRemaining()).isFalse();
    }
}
