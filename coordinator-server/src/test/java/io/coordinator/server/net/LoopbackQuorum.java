package io.coordinator.server.net;

import io.coordinator.testsupport.LoopbackPorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Quorum transports on real loopback sockets for the transport tests: each member's address, what it received and
 * which peers it saw disconnect. {@link #plan} the members, then {@link #start} each (with or without TLS).
 */
final class LoopbackQuorum implements AutoCloseable {
    record Received(int from, String text) {}

    final Map<Integer, InetSocketAddress> addresses = new HashMap<>();
    final Map<Integer, BlockingQueue<Received>> inboxes = new HashMap<>();
    final Map<Integer, QuorumTransport> transports = new HashMap<>();
    final Map<Integer, BlockingQueue<Integer>> disconnects = new HashMap<>();

    void plan(int... ids) throws IOException {
        for (int id : ids) {
            addresses.put(id, new InetSocketAddress("127.0.0.1", LoopbackPorts.next()));
            inboxes.put(id, new LinkedBlockingQueue<>());
        }
    }

    /** Starts member {@code id} with the addresses planned now; {@code tls} null for plain text. */
    QuorumTransport start(int id, TlsContext tls) {
        return start(id, tls, t -> {});
    }

    /** As {@link #start(int, TlsContext)}, with {@code configure} applied before the transport starts. */
    QuorumTransport start(int id, TlsContext tls, java.util.function.Consumer<QuorumTransport> configure) {
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
                tls);
        configure.accept(t);
        t.start();
        transports.put(id, t);
        return t;
    }

    /**
     * Sends until one arrives: connections come up asynchronously, and sends before that are dropped. A message
     * with other text is a late copy of an earlier call's resend, and is passed over.
     */
    Received sendUntilDelivered(int from, int to, String text) throws InterruptedException {
        BlockingQueue<Received> inbox = inboxes.get(to);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            transports.get(from).send(to, text.getBytes());
            Received r = inbox.poll(50, TimeUnit.MILLISECONDS);
            while (r != null && !r.text().equals(text)) {
                r = inbox.poll();
            }
            if (r != null) {
                return r;
            }
        }
        throw new AssertionError("no delivery to " + to);
    }

    @Override
    public void close() {
        transports.values().forEach(QuorumTransport::stop);
    }
}
