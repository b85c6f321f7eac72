package io.coordinator.server.zab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coordinator.server.protocol.Acl;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.ProtocolException;
import io.coordinator.server.protocol.Txn;
import io.coordinator.server.protocol.TxnHeader;
import io.coordinator.server.protocol.TxnRecord;
import io.coordinator.server.zab.ZabMessage.*;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZabCodecTest {
    private static final TxnRecord RECORD = new TxnRecord(
            new TxnHeader(7, 3, Zxids.make(2, 5), 1234, 1),
            new Txn.Create("/a", new byte[] {1, 2}, Acl.OPEN_ACL_UNSAFE, 0, 4));
    private static final TxnRecord MULTI = new TxnRecord(
            new TxnHeader(7, 4, Zxids.make(2, 6), 1235, 14),
            new Txn.Multi(List.of(new Txn.Delete("/a"), new Txn.SetData("/b", null, 3))));

    static List<ZabMessage> all() {
        return List.of(
                new Notification(3, Zxids.make(1, 9), 1, 4, Role.LOOKING),
                new Notification(-1, 0, 0, 1, Role.OBSERVING),
                new FollowerInfo(-5, 2, Zxids.make(2, 1), Zxids.make(1, 8)),
                new ObserverInfo(6, 2, 0, 0),
                new LeaderInfo(6, 3),
                new AckEpoch(6, 3, 2, Zxids.make(2, 1)),
                new EpochRefused(6, 3, 4),
                new Diff(6, 3, 1, Zxids.make(2, 1)),
                new Trunc(6, 3, 1, Zxids.make(1, 1)),
                new Snap(
                        6,
                        3,
                        1,
                        Zxids.make(2, 2),
                        new byte[] {9, 8, 7},
                        Zxids.make(2, 1),
                        List.of(new Peer(1, false), new Peer(4, true))),
                new Proposal(6, 3, 2, RECORD),
                new Proposal(6, 3, 2, MULTI),
                new Commit(6, 3, 3, Zxids.make(2, 5)),
                new Inform(6, 3, 4, RECORD),
                new NewLeader(6, 3, 5, Zxids.make(2, 5)),
                new UpToDate(6, 3, 6),
                new AckNewLeader(6, 3, Zxids.make(2, 5)),
                new Ack(6, 3, Zxids.make(3, 1)),
                new Ping(6, 3, 6, Zxids.make(3, 1)));
    }

    @Test
    @DisplayName("every message survives encode/decode unchanged")
    void roundTrip() {
        for (ZabMessage m : all()) {
            byte[] bytes = ZabCodec.encode(m);
            ZabMessage back = ZabCodec.decode(bytes);
            assertEquals(m.getClass(), back.getClass());
            assertArrayEquals(bytes, ZabCodec.encode(back), m.toString());
            if (!(m instanceof Snap) && !(m instanceof Proposal) && !(m instanceof Inform)) {
                assertEquals(m, back);
            }
        }
        Snap s = (Snap)
                ZabCodec.decode(ZabCodec.encode(new Snap(1, 2, 3, 4, new byte[] {5}, 0, List.of(new Peer(1, false)))));
        assertArrayEquals(new byte[] {5}, s.snapshot());
    }

    @Test
    @DisplayName("a truncated frame of any length is a ProtocolException")
    void truncated() {
        for (ZabMessage m : all()) {
            byte[] bytes = ZabCodec.encode(m);
            for (int len = 0; len < bytes.length; len++) {
                byte[] cut = Arrays.copyOf(bytes, len);
                assertThrows(ProtocolException.class, () -> ZabCodec.decode(cut), m + " cut at " + len);
            }
        }
    }

    /** {@code type} then four longs of 1: the start of a SNAP or PROPOSAL frame. */
    private static JuteWriter header(int type) {
        return new JuteWriter()
                .writeInt(type)
                .writeLong(1)
                .writeLong(1)
                .writeLong(1)
                .writeLong(1);
    }

    static Stream<Arguments> malformedFrames() {
        byte[] ping = ZabCodec.encode(new Ping(1, 2, 3, 4));
        byte[] badState = new JuteWriter()
                .writeInt(ZabCodec.NOTIFICATION)
                .writeInt(1)
                .writeLong(0)
                .writeLong(0)
                .writeLong(0)
                .writeInt(17)
                .toByteArray();
        return Stream.of(
                Arguments.of("a ping with a byte too many", Arrays.copyOf(ping, ping.length + 1)),
                Arguments.of("an unknown type", new JuteWriter().writeInt(99).toByteArray()),
                Arguments.of("no frame", null),
                Arguments.of("a notification with an unknown state", badState),
                Arguments.of(
                        "a snap longer than any frame",
                        header(ZabCodec.SNAP).writeInt(Integer.MAX_VALUE).toByteArray()),
                Arguments.of("a null snap", header(ZabCodec.SNAP).writeInt(-1).toByteArray()),
                Arguments.of(
                        "a proposal of an unknown txn type",
                        header(ZabCodec.PROPOSAL)
                                .writeInt(1)
                                .writeLong(1)
                                .writeLong(1)
                                .writeInt(12345)
                                .toByteArray()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformed(String what, byte[] frame) {
        assertThrows(ProtocolException.class, () -> ZabCodec.decode(frame));
    }
}
