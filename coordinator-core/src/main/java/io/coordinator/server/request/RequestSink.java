package io.coordinator.server.request;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.Requests;

/**
 * What the network layer hands decoded client traffic to. Calls for one connection arrive in the order
 * the bytes arrived; implementations are thread-safe and must not block the caller.
 */
public interface RequestSink {

    /** The first frame of a new connection. */
    void connect(ClientConnection connection, ConnectRequest request);

    /**
     * A request after the handshake. {@code body} is null when decoding failed: the pipeline then replies
     * with {@code errorCode} in order and closes the connection.
     */
    void request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode);

    /** The socket is gone (peer closed, error). The session itself lives on until it expires. */
    void disconnected(ClientConnection connection);
}
