package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.ProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes a client connection's inbound pipeline (four-letter words, {@link FrameDecoder}, handshake decoder,
 * request decoder) over an {@link EmbeddedChannel}. Input: byte 0 sets the size of the chunks the rest is
 * delivered in (so frames are split at every possible point); the rest is what the client sends.
 *
 * <p>Contract: no exception ever reaches the channel; the frames the pipeline hands on are exactly those of a
 * reference splitter (4-byte length + body, stopping at a length outside [0, max]); the first is the
 * ConnectRequest when it decodes, else the connection closes with nothing handed on; every later frame
 * becomes one request, with a body or with MARSHALLINGERROR/UNIMPLEMENTED; reading stops after an
 * UNIMPLEMENTED or a frame shorter than a request header.
 */
class ClientPipelineFuzzTest {
    private static final int MAX_PACKET = 4096;

    @FuzzTest
    void inbound(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff);
        RecordingSink sink = new RecordingSink();
        ClientPortConfig config = ClientPortConfig.of("127.0.0.1", 0).withMaxPacketSize(MAX_PACKET);
        EmbeddedChannel ch = new EmbeddedChannel(new ClientPortChannelInitializer(
                config,
                sink,
                new FakeServerView(),
                new ServerStats(),
                new ConnectionRegistry(),
                1000,
                DataDirSizes.NONE));
        for (int off = 1; off < input.length && ch.isOpen(); off += chunk) {
            int n = Math.min(chunk, input.length - off);
            ch.writeInbound(Unpooled.wrappedBuffer(input, off, n)); // rethrows anything the pipeline threw
        }
        ch.runPendingTasks();
        ch.checkException();
        while (ch.readOutbound() != null) {
            // replies of four-letter words
        }

        if (input.length >= 5
                && FourLetterWords.knownWord(ByteBuffer.wrap(input, 1, 4).getInt()) != null) {
            assertThat(sink.connects).isEmpty();
            assertThat(ch.isOpen()).isFalse();
            return;
        }
        List<byte[]> frames = referenceFrames(input);
        if (frames.isEmpty()) {
            assertThat(sink.connects).isEmpty();
            return;
        }
        try {
            ConnectRequest.read(new JuteReader(frames.get(0)));
        } catch (ProtocolException e) {
            assertThat(sink.connects).isEmpty();
            assertThat(ch.isOpen()).isFalse();
            return;
        }
        assertThat(sink.connects).hasSize(1);
        int expected = 0;
        for (byte[] frame : frames.subList(1, frames.size())) {
            if (frame.length < 8) {
                assertThat(ch.isOpen()).isFalse();
                break;
            }
            RecordingSink.Request r = sink.requests.get(expected++);
            int xid = ByteBuffer.wrap(frame).getInt();
            int type = ByteBuffer.wrap(frame).getInt(4);
            assertThat(r.xid()).isEqualTo(xid);
            assertThat(r.type()).isEqualTo(type);
            if (r.body() == null) {
                assertThat(r.errorCode()).isIn(Code.MARSHALLINGERROR, Code.UNIMPLEMENTED);
            } else {
                assertThat(r.errorCode()).isEqualTo(Code.OK);
            }
            if (r.errorCode() == Code.UNIMPLEMENTED) {
                break;
            }
        }
        assertThat(sink.requests).hasSize(expected);
    }

    /** Splits the client bytes (after byte 0) into frames, as ZooKeeper's framing defines them. */
    private static List<byte[]> referenceFrames(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(input, 1, input.length - 1);
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len < 0 || len > MAX_PACKET || b.remaining() < len) {
                break;
            }
            byte[] f = new byte[len];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }
}
