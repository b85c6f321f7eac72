package io.coordinator.server.net;

import io.coordinator.server.protocol.ReplyHeader;

/** Small helpers to answer through the connection a sink received. */
final class ClientConnectionProbe {
    private ClientConnectionProbe() {}

    static void reply(RecordingSink.Request request, ReplyHeader header) {
        request.connection().sendReply(header, null);
        request.connection().flush();
    }
}
