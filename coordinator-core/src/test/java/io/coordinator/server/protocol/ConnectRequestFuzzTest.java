package io.coordinator.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the handshake decoder, {@link ConnectRequest#read}, with a whole first frame.
 *
 * <p>Contract: a malformed ConnectRequest throws {@link ProtocolException} (the connection is then closed
 * without a reply); nothing else escapes; a decoded request re-encodes to the bytes it consumed.
 */
class ConnectRequestFuzzTest {

    @FuzzTest
    void read(byte[] frame) {
        JuteReader in = new JuteReader(frame);
        ConnectRequest request;
        try {
            request = ConnectRequest.read(in);
        } catch (ProtocolException e) {
            return;
        }
        byte[] again = request.toBytes();
        ConnectRequest reread = ConnectRequest.read(new JuteReader(again));
        assertThat(reread.toBytes()).isEqualTo(again);
        assertThat(reread.sessionId()).isEqualTo(request.sessionId());
        assertThat(reread.readOnlyPresent()).isEqualTo(request.readOnlyPresent());
    }
}
