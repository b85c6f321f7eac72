package io.coordinator.server.net;

/**
 * Best-effort, framed messages to and from the other servers of an ensemble, by server id. {@link QuorumTransport}
 * is the TCP one; tests may connect servers in memory.
 */
public interface PeerTransport {

    /** Receives messages (and news of lost connections) on a transport thread; must not block. */
    interface Receiver {
        void onMessage(int fromId, byte[] payload);

        /** The connection to this peer broke (the peer died, restarted or the network failed). */
        default void onDisconnected(int peerId) {}
    }

    void start();

    void stop();

    /** Sends a message to a peer, or drops it when that peer is unreachable or too far behind. */
    void send(int peerId, byte[] payload);

    /** The members to connect to changed (a reconfig): every other member's address, by server id. */
    default void setPeers(java.util.Map<Integer, java.net.InetSocketAddress> peers) {}

    /** Whether the connection to the peer is up. */
    boolean isConnected(int peerId);
}
