package io.coordinator.server.ops;

import io.coordinator.server.net.ClientPortServer;
import io.coordinator.server.net.ServerStats;

/**
 * A listener to the client port's answered requests, added when the port exists and only once: added twice, it
 * would count every request twice. {@link #attach()} on every start of its owner.
 */
final class RequestListening {
    private final ServerHandle server;
    private final ServerStats.RequestListener listener;
    private boolean attached;

    RequestListening(ServerHandle server, ServerStats.RequestListener listener) {
        this.server = server;
        this.listener = listener;
    }

    void attach() {
        ClientPortServer port = server.clientPort();
        if (port != null && !attached) {
            port.stats().addRequestListener(listener);
            attached = true;
        }
    }
}
