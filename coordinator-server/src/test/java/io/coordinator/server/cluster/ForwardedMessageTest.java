package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordinator.server.FuzzSeedsWriter;
import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.Requests;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardedMessageTest {

    static Stream<ForwardedMessage> messages() {
        return Stream.of(
                new ForwardedMessage.Request(
                        4,
                        0x100000001L,
                        7,
                        OpCode.CREATE,
                        new Requests.Create("/a", "x".getBytes(), Acl.OPEN_ACL_UNSAFE, 0, -1),
                        List.of(new Id("digest", "u:h"), new Id("ip", "127.0.0.1"))),
                new ForwardedMessage.Request(4, 5, 8, OpCode.SET_DATA, new Requests.SetData("/a", null, 3), List.of()),
                new ForwardedMessage.Request(4, 5, 9, OpCode.CLOSE_SESSION, Requests.Empty.INSTANCE, List.of()),
                new ForwardedMessage.CreateSession(4, 0x200000003L, 30_000),
                new ForwardedMessage.Touch(List.of(1L, 2L, Long.MAX_VALUE)),
                new ForwardedMessage.Touch(List.of()),
                new ForwardedMessage.Sync(42, -1),
                new ForwardedMessage.SyncDone(42, 3, 0x300000009L));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void roundTrips(ForwardedMessage m) {
        byte[] frame = ForwardedMessage.encode(m);
        assertThat(frame[0]).isNotIn(ForwardedMessage.TAG_ZAB, ForwardedMessage.TAG_BATCH);
        ForwardedMessage back = ForwardedMessage.decode(frame);
        assertThat(back).isInstanceOf(m.getClass());
        assertThat(ForwardedMessage.encode(back)).isEqualTo(frame);
        if (!(m instanceof ForwardedMessage.Request)) { // records of plain values: equal as records
            assertThat(back).isEqualTo(m);
        }
    }

    static Stream<Arguments> everyRequestType() {
        return FuzzSeedsWriter.sampleRequests().entrySet().stream()
                .map(e -> Arguments.of(OpCode.name(e.getKey()), e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRequestType")
    void everyRequestTypeRoundTripsAndATrailingByteIsRefused(String name, int type, Requests.Body body) {
        byte[] frame = ForwardedMessage.encode(new ForwardedMessage.Request(2, 9, 1, type, body, List.of()));
        ForwardedMessage back = ForwardedMessage.decode(frame);
        assertThat(ForwardedMessage.encode(back)).isEqualTo(frame);

        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        assertThatThrownBy(() -> ForwardedMessage.decode(longer))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("trailing");
    }

    private static byte[] frame(int tag, java.util.function.Consumer<JuteWriter> body) {
        JuteWriter w = new JuteWriter().writeByte((byte) tag);
        body.accept(w);
        return w.toByteArray();
    }

    static Stream<Arguments> malformed() {
        byte[] sync = ForwardedMessage.encode(new ForwardedMessage.Sync(42, 1));
        byte[] request = ForwardedMessage.encode(new ForwardedMessage.Request(
                2,
                5,
                8,
                OpCode.SET_DATA,
                new Requests.SetData("/a", "v".getBytes(), 3),
                List.of(new Id("ip", "127.0.0.1"))));
        return Stream.of(
                Arguments.of("empty frame", new byte[0]),
                Arguments.of("unknown tag", new byte[] {99}),
                Arguments.of("a ZAB frame is not a forwarded message", new byte[] {ForwardedMessage.TAG_ZAB, 1, 2}),
                Arguments.of("a batch is not a message", new byte[] {ForwardedMessage.TAG_BATCH}),
                Arguments.of("truncated sync", Arrays.copyOf(sync, sync.length - 1)),
                Arguments.of("truncated request", Arrays.copyOf(request, request.length - 2)),
                Arguments.of("negative session count", frame(ForwardedMessage.TAG_TOUCH, w -> w.writeInt(-1))),
                Arguments.of(
                        "session count beyond the frame",
                        frame(ForwardedMessage.TAG_TOUCH, w -> w.writeInt(3).writeLong(1))),
                Arguments.of(
                        "huge identity count",
                        frame(
                                ForwardedMessage.TAG_REQUEST,
                                w -> w.writeLong(2)
                                        .writeLong(1)
                                        .writeInt(1)
                                        .writeInt(OpCode.SET_DATA)
                                        .writeInt(Integer.MAX_VALUE))),
                Arguments.of("a byte after a sync", Arrays.copyOf(sync, sync.length + 1)),
                Arguments.of(
                        "a byte after a touch",
                        Arrays.copyOf(ForwardedMessage.encode(new ForwardedMessage.Touch(List.of(1L))), 14)),
                Arguments.of(
                        "request of an unknown type",
                        frame(
                                ForwardedMessage.TAG_REQUEST,
                                w -> w.writeLong(2)
                                        .writeLong(1)
                                        .writeInt(1)
                                        .writeInt(12345)
                                        .writeInt(0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFramesAreProtocolErrors(String what, byte[] frame) {
        assertThatThrownBy(() -> ForwardedMessage.decode(frame))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }
}
