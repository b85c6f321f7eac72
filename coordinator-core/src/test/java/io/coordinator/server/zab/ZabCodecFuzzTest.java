package io.coordinator.server.zab;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.protocol.ProtocolException;

/**
 * Fuzzes {@link ZabCodec#decode}, the decoder of every quorum (election and replication) message.
 *
 * <p>Contract: a frame that is truncated, has trailing bytes, an unknown type or a bad field throws
 * {@link ProtocolException} (the peer connection is dropped); nothing else escapes; a decoded message
 * re-encodes canonically.
 */
class ZabCodecFuzzTest {

    @FuzzTest
    void decode(byte[] frame) {
        ZabMessage message;
        try {
            message = ZabCodec.decode(frame);
        } catch (ProtocolException e) {
            return;
        }
        byte[] once = ZabCodec.encode(message);
        assertThat(ZabCodec.encode(ZabCodec.decode(once))).isEqualTo(once);
    }
}
