package io.coordinator.server.net;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.request.ClientConnection;

/** What a fake request pipeline does to accept a handshake: session {@code sid}, the timeout asked for. */
final class FakeHandshake {
    private FakeHandshake() {}

    static void accept(ClientConnection connection, ConnectRequest request, long sid) {
        connection.sessionEstablished(sid, request.timeOut());
        connection.sendConnectResponse(
                new ConnectResponse(0, request.timeOut(), sid, new byte[16], false, request.readOnlyPresent()));
        connection.flush();
    }
}
