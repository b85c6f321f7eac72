package io.coordinator.server.cluster;

import io.coordinator.server.net.PeerTransport;
import io.coordinator.server.net.QuorumTransport;
import io.coordinator.server.net.TlsContext;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Opens a server's two links to its peers, given the driver's receivers: the quorum link (ZAB and forwarded client
 * traffic) and the election link (votes only, small frames). TCP in production ({@link #tcp}).
 */
public interface PeerNetwork {

    PeerTransport quorum(PeerTransport.Receiver receiver, int maxMessageBytes);

    PeerTransport election(PeerTransport.Receiver receiver);

    /**
     * @param quorumPeers   every other member's quorum address
     * @param electionPeers every other member's election address
     * @param tls           mutual TLS for both links, or null for plain TCP
     */
    static PeerNetwork tcp(
            int myId,
            InetSocketAddress quorumBind,
            Map<Integer, InetSocketAddress> quorumPeers,
            InetSocketAddress electionBind,
            Map<Integer, InetSocketAddress> electionPeers,
            TlsContext tls) {
        return new PeerNetwork() {
            @Override
            public PeerTransport quorum(PeerTransport.Receiver receiver, int maxMessageBytes) {
                return new QuorumTransport(
                        "quorum", myId, quorumBind, quorumPeers, receiver, maxMessageBytes, 64 << 20, tls);
            }

            @Override
            public PeerTransport election(PeerTransport.Receiver receiver) {
                return new QuorumTransport(
                        "election", myId, electionBind, electionPeers, receiver, 1 << 16, 1 << 20, tls);
            }
        };
    }
}
