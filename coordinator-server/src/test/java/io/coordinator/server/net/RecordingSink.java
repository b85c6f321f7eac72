package io.coordinator.server.net;

import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.Requests;
import io.coordinator.server.request.ClientConnection;
import io.coordinator.server.request.RequestSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the network layer hands to the pipeline. */
final class RecordingSink implements RequestSink {
    record Request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode) {}

    final List<ConnectRequest> connects = new CopyOnWriteArrayList<>();
    final List<ClientConnection> connections = new CopyOnWriteArrayList<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<ClientConnection> disconnected = new CopyOnWriteArrayList<>();

    @Override
    public void connect(ClientConnection connection, ConnectRequest request) {
        connections.add(connection);
        connects.add(request);
    }

    @Override
    public void request(ClientConnection connection, int xid, int type, Requests.Body body, int errorCode) {
        requests.add(new Request(connection, xid, type, body, errorCode));
    }

    @Override
    public void disconnected(ClientConnection connection) {
        disconnected.add(connection);
    }
}
