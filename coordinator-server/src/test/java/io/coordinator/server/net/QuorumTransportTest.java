package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.server.net.LoopbackQuorum.Received;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback between three transports. */
class QuorumTransportTest {
    private final LoopbackQuorum quorum = new LoopbackQuorum();

    @AfterEach
    void stopAll() {
        quorum.close();
    }

    @Test
    void everyServerReachesEveryOtherAndKnowsWhoSent() throws Exception {
        quorum.plan(1, 2, 3);
        quorum.start(1, null);
        quorum.start(2, null);
        quorum.start(3, null);
        for (int from : List.of(1, 2, 3)) {
            for (int to : List.of(1, 2, 3)) {
                if (from != to) {
                    Received r = quorum.sendUntilDelivered(from, to, "hi from " + from);
                    assertThat(r.from()).isEqualTo(from);
                    assertThat(r.text()).isEqualTo("hi from " + from);
                }
            }
        }
        // once connected, a burst arrives complete and in order
        for (int i = 0; i < 1000; i++) {
            quorum.transports.get(1).send(2, ("m" + i).getBytes());
        }
        for (int i = 0; i < 1000; i++) {
            Received r = quorum.inboxes.get(2).poll(10, TimeUnit.SECONDS);
            while (r != null && r.text().startsWith("hi from ")) {
                r = quorum.inboxes.get(2).poll(10, TimeUnit.SECONDS); // a late copy of a resend above (from 1 or 3)
            }
            assertThat(r).isNotNull();
            assertThat(r.text()).isEqualTo("m" + i);
        }
    }

    @Test
    void aPeerNameIsResolvedAgainOnEveryDial() throws Exception {
        // as in Kubernetes, where a replaced pod comes back under its old name with a new address: the name
        // "localhost" was resolved to 127.0.0.2 when configured, and the peer listens on 127.0.0.1
        quorum.plan(1, 2);
        InetSocketAddress two = quorum.addresses.get(2);
        quorum.addresses.put(
                2,
                new InetSocketAddress(
                        java.net.InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 2}), two.getPort()));
        quorum.start(1, null);
        quorum.addresses.put(2, two);
        quorum.start(2, null);
        assertThat(quorum.sendUntilDelivered(1, 2, "by name").from()).isEqualTo(1);
    }

    @Test
    void aRestartedPeerIsRedialledAndMessagesToADownPeerAreDropped() throws Exception {
        quorum.plan(1, 2);
        quorum.start(1, null);
        quorum.start(2, null);
        quorum.sendUntilDelivered(1, 2, "before");
        quorum.transports.remove(2).stop();
        assertThat(quorum.disconnects.get(1).poll(30, TimeUnit.SECONDS)).isEqualTo(2);
        long droppedBefore = quorum.transports.get(1).droppedMessages();
        // the connection's close is noticed asynchronously; keep sending until the drop counter moves
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (quorum.transports.get(1).droppedMessages() == droppedBefore && System.nanoTime() < deadline) {
            quorum.transports.get(1).send(2, "lost".getBytes());
            Thread.onSpinWait();
        }
        assertThat(quorum.transports.get(1).droppedMessages()).isGreaterThan(droppedBefore);
        quorum.inboxes.get(2).clear();
        quorum.start(2, null);
        Received r = quorum.sendUntilDelivered(1, 2, "after");
        assertThat(r.text()).isIn("after", "lost");
    }

    /** A restarted member must not wait out its peers' back-off for their answers: it dials them, they dial back. */
    @Test
    void aPeerThatDialsInIsDialledBackAtOnceNotAfterTheBackOff() throws Exception {
        quorum.plan(1, 2);
        // 1 starts alone: its dial of 2 fails and the next try waits an hour
        QuorumTransport one = quorum.start(1, null, t -> t.withBackoff(3_600_000, 3_600_000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!one.redialPending(2) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(one.redialPending(2)).isTrue();
        quorum.start(2, null); // 2 dials 1 at once
        assertThat(quorum.sendUntilDelivered(1, 2, "back at once").from()).isEqualTo(1);
        assertThat(one.redialPending(2)).isFalse();
    }

    @Test
    void aStrangerWithoutAValidHelloIsClosedAndOthersAreUnaffected() throws Exception {
        quorum.plan(1, 2);
        quorum.start(1, null);
        quorum.start(2, null);
        try (Socket s = new Socket("127.0.0.1", quorum.addresses.get(1).getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(12);
            out.writeInt(QuorumTransport.HELLO_MAGIC);
            out.writeInt(QuorumTransport.VERSION);
            out.writeInt(99); // not a peer
            out.flush();
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = new Socket("127.0.0.1", quorum.addresses.get(1).getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(0x7fffffff); // oversized frame
            out.flush();
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(quorum.sendUntilDelivered(2, 1, "still fine").from()).isEqualTo(2);
    }
}
