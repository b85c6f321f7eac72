package io.coordinator.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coordinator.server.protocol.ProtocolException;

/**
 * Fuzzes {@link ForwardedMessage#decode}, the decoder of what learners and the leader send each other on the quorum
 * port beside ZAB (forwarded requests, session touches, syncs).
 *
 * <p>Contract: a frame that is truncated, has an unknown tag or a bad field throws {@link ProtocolException} (the
 * driver drops the frame and keeps running); nothing else escapes; a decoded message re-encodes canonically.
 */
class ForwardedMessageFuzzTest {

    @FuzzTest
    void decode(byte[] frame) {
        ForwardedMessage message;
        try {
            message = ForwardedMessage.decode(frame);
        } catch (ProtocolException e) {
            return;
        }
        byte[] once = ForwardedMessage.encode(message);
        assertThat(ForwardedMessage.encode(ForwardedMessage.decode(once))).isEqualTo(once);
    }
}
