package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback between three transports. */
class QuorumTransportTest {
    record Received(int from, String text) {}

    private final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    private final Map<Integer, BlockingQueue<Received>> inboxes = new HashMap<>();
    private final Map<Integer, QuorumTransport> transports = new HashMap<>();
    private final Map<Integer, BlockingQueue<Integer>> disconnects = new HashMap<>();

    @AfterEach
    void stopAll() {
        transports.values().forEach(QuorumTransport::stop);
    }

    private static int freePort() throws IOException {
        return LoopbackPorts.next();
    }

    private void plan(int... ids) throws IOException {
        for (int id : ids) {
            addresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
            inboxes.put(id, new LinkedBlockingQueue<>());
        }
    }

    private QuorumTransport start(int id) {
        Map<Integer, InetSocketAddress> peers = new HashMap<>(addresses);
        peers.remove(id);
        BlockingQueue<Received> inbox = inboxes.get(id);
        BlockingQueue<Integer> lost = disconnects.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
        QuorumTransport t = new QuorumTransport(
                "quorum",
                id,
                addresses.get(id),
                peers,
                new PeerTransport.Receiver() {
                    @Override
                    public void onMessage(int from, byte[] payload) {
                        inbox.add(new Received(from, new String(payload)));
                    }

                    @Override
                    public void onDisconnected(int peerId) {
                        lost.add(peerId);
                    }
                },
                1 << 20,
                1 << 20,
                null);
        t.start();
        transports.put(id, t);
        return t;
    }

    private Received sendUntilDelivered(int from, int to, String text) throws InterruptedException {
        return sendUntilDelivered(
                transports.get(from), to, text, inboxes.get(to), r -> r.text().equals(text));
    }

    /**
     * Sends until one arrives: connections come up asynchronously, and sends before that are dropped. A message
     * that is not {@code sent} is a late copy of an earlier call's resend, and is passed over.
     */
    static <T> T sendUntilDelivered(
            QuorumTransport from, int to, String text, BlockingQueue<T> inbox, Predicate<T> sent)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            from.send(to, text.getBytes());
            T r = inbox.poll(50, TimeUnit.MILLISECONDS);
            while (r != null && !sent.test(r)) {
                r = inbox.poll();
            }
            if (r != null) {
                return r;
            }
        }
        throw new AssertionError("no delivery to " + to);
    }

    @Test
    void everyServerReachesEveryOtherAndKnowsWhoSent() throws Exception {
        plan(1, 2, 3);
        start(1);
        start(2);
        start(3);
        for (int from : List.of(1, 2, 3)) {
            for (int to : List.of(1, 2, 3)) {
                if (from != to) {
                    Received r = sendUntilDelivered(from, to, "hi from " + from);
                    assertThat(r.from()).isEqualTo(from);
                    assertThat(r.text()).isEqualTo("hi from " + from);
                }
            }
        }
        // once connected, a burst arrives complete and in order
        for (int i = 0; i < 1000; i++) {
            transports.get(1).send(2, ("m" + i).getBytes());
        }
        for (int i = 0; i < 1000; i++) {
            Received r = inboxes.get(2).poll(10, TimeUnit.SECONDS);
            while (r != null && r.text().startsWith("hi from ")) {
                r = inboxes.get(2).poll(10, TimeUnit.SECONDS); // a late copy of a resend above (from 1 or 3)
            }
            assertThat(r).isNotNull();
            assertThat(r.text()).isEqualTo("m" + i);
        }
    }

    @Test
    void aPeerNameIsResolvedAgainOnEveryDial() throws Exception {
        // as in Kubernetes, where a replaced pod comes back under its old name with a new address: the name
        // "localhost" was resolved to 127.0.0.2 when configured, and the peer listens on 127.0.0.1
        plan(1, 2);
        InetSocketAddress two = addresses.get(2);
        addresses.put(
                2,
                new InetSocketAddress(
                        java.net.InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 2}), two.getPort()));
        start(1);
        addresses.put(2, two);
        start(2);
        assertThat(sendUntilDelivered(1, 2, "by name").from()).isEqualTo(1);
    }

    @Test
    void aRestartedPeerIsRedialledAndMessagesToADownPeerAreDropped() throws Exception {
        plan(1, 2);
        start(1);
        start(2);
        sendUntilDelivered(1, 2, "before");
        transports.remove(2).stop();
        assertThat(disconnects.get(1).poll(30, TimeUnit.SECONDS)).isEqualTo(2);
        long droppedBefore = transports.get(1).droppedMessages();
        // the connection's close is noticed asynchronously; keep sending until the drop counter moves
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (transports.get(1).droppedMessages() == droppedBefore && System.nanoTime() < deadline) {
            transports.get(1).send(2, "lost".getBytes());
            Thread.onSpinWait();
        }
        assertThat(transports.get(1).droppedMessages()).isGreaterThan(droppedBefore);
        inboxes.get(2).clear();
        start(2);
        Received r = sendUntilDelivered(1, 2, "after");
        assertThat(r.text()).isIn("after", "lost");
    }

    @Test
    void aStrangerWithoutAValidHelloIsClosedAndOthersAreUnaffected() throws Exception {
        plan(1, 2);
        start(1);
        start(2);
        try (Socket s = new Socket("127.0.0.1", addresses.get(1).getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(12);
            out.writeInt(QuorumTransport.HELLO_MAGIC);
            out.writeInt(QuorumTransport.VERSION);
            out.writeInt(99); // not a peer
            out.flush();
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = new Socket("127.0.0.1", addresses.get(1).getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(0x7fffffff); // oversized frame
            out.flush();
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(sendUntilDelivered(2, 1, "still fine").from()).isEqualTo(2);
    }
}
