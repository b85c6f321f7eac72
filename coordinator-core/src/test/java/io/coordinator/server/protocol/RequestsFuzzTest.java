package io.coordinator.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes {@link Requests#decode} for every opcode. Input: byte 0 picks the opcode from {@link #OPCODES}, the
 * rest is the request body.
 *
 * <p>Contract: a body that cannot be decoded throws {@link ProtocolException} (answered MARSHALLINGERROR); an
 * opcode clients may not send throws {@link ZkException} UNIMPLEMENTED. Nothing else escapes (no
 * NegativeArraySize, IndexOutOfBounds, ClassCast, OOM), and a decoded body re-encodes canonically: encoding
 * what decoding its own encoding gives yields the same bytes.
 */
class RequestsFuzzTest {
    /** Fixed order: seeds in the corpus refer to these indexes. The last three are not client opcodes. */
    static final int[] OPCODES = {
        OpCode.CREATE,
        OpCode.DELETE,
        OpCode.EXISTS,
        OpCode.GET_DATA,
        OpCode.SET_DATA,
        OpCode.GET_ACL,
        OpCode.SET_ACL,
        OpCode.GET_CHILDREN,
        OpCode.SYNC,
        OpCode.PING,
        OpCode.GET_CHILDREN2,
        OpCode.CHECK,
        OpCode.MULTI,
        OpCode.CREATE2,
        OpCode.RECONFIG,
        OpCode.CHECK_WATCHES,
        OpCode.REMOVE_WATCHES,
        OpCode.CREATE_CONTAINER,
        OpCode.DELETE_CONTAINER,
        OpCode.CREATE_TTL,
        OpCode.MULTI_READ,
        OpCode.AUTH,
        OpCode.SET_WATCHES,
        OpCode.SASL,
        OpCode.GET_EPHEMERALS,
        OpCode.GET_ALL_CHILDREN_NUMBER,
        OpCode.SET_WATCHES2,
        OpCode.ADD_WATCH,
        OpCode.WHO_AM_I,
        OpCode.CLOSE_SESSION,
        OpCode.CREATE_SESSION,
        OpCode.NOTIFICATION,
        999
    };

    private static final int FIRST_NON_CLIENT = OPCODES.length - 3;

    @FuzzTest
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int index = (input[0] & 0xff) % OPCODES.length;
        int type = OPCODES[index];
        Requests.Body body;
        try {
            body = Requests.decode(type, new JuteReader(input, 1, input.length - 1));
        } catch (ProtocolException e) {
            return;
        } catch (ZkException e) {
            assertThat(e.code()).isEqualTo(Code.UNIMPLEMENTED);
            assertThat(index).isGreaterThanOrEqualTo(FIRST_NON_CLIENT);
            return;
        }
        assertThat(index).isLessThan(FIRST_NON_CLIENT);
        byte[] once = encode(type, body);
        byte[] twice = encode(type, Requests.decode(type, new JuteReader(once)));
        assertThat(Arrays.equals(once, twice))
                .as("canonical re-encoding of opcode %d", type)
                .isTrue();
    }

    static byte[] encode(int type, Requests.Body body) {
        JuteWriter w = new JuteWriter();
        Requests.encode(type, body, w);
        return w.toByteArray();
    }
}
