package io.coordinator.server.net;

import io.netty.handler.ssl.ClientAuth;

/** Whether the secure client port asks clients for a certificate (ZooKeeper's ssl.clientAuth). */
public enum TlsClientAuth {
    /** Never ask. */
    NONE(ClientAuth.NONE),
    /** Ask; a client without a certificate still connects (but gets no x509 identity). */
    WANT(ClientAuth.OPTIONAL),
    /** Refuse a client that presents no trusted certificate. */
    NEED(ClientAuth.REQUIRE);

    final ClientAuth netty;

    TlsClientAuth(ClientAuth netty) {
        this.netty = netty;
    }
}
