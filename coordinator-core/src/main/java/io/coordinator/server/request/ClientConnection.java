package io.coordinator.server.request;

import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteRecord;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.WatcherEvent;
import java.util.List;

/**
 * One client connection as the request pipeline sees it. Implemented by the network layer. All methods
 * may be called from the pipeline thread; writes are queued on the connection in call order, so a
 * notification sent before a reply reaches the client before it.
 */
public interface ClientConnection {

    /** Answers the handshake. After an expired response ({@code timeOut <= 0}) the connection closes itself. */
    void sendConnectResponse(ConnectResponse response);

    /** Sends a reply; {@code body} is null when there is none (errors, delete, ...). */
    void sendReply(ReplyHeader header, JuteRecord body);

    /** Sends a watch notification (xid -1). */
    void sendNotification(WatcherEvent event, long zxid);

    /** Flushes queued writes to the socket (called once per batch of replies). */
    void flush();

    /** Closes the connection after queued writes are flushed. */
    void close();

    /** The peer's IP address as text (e.g. 127.0.0.1), for ip ACLs and whoAmI. */
    String remoteAddress();

    /** host:port of the peer, for four-letter words. */
    String remoteSocketAddress();

    /** Whether the connection is still open. */
    boolean isOpen();

    /** The handshake succeeded: the connection now belongs to this session (shown by cons/dump). */
    void sessionEstablished(long sessionId, int negotiatedTimeout);

    /**
     * Identities the transport itself proved, added to the session's auth info beside "ip": the subject of a
     * verified TLS client certificate as ZooKeeper's X509AuthenticationProvider names it ("x509").
     */
    default List<Id> transportIdentities() {
        return List.of();
    }
}
