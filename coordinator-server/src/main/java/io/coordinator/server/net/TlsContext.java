package io.coordinator.server.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of one endpoint (the secure client port, or the quorum links), swappable at run time:
 * each new connection takes the context current when it opens, so {@link #reload} changes what new
 * connections present and accept while existing ones keep the session they negotiated.
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);

    private final ClientAuth clientAuth;
    private final boolean withClientSide;
    private final boolean verifyHostname;
    private volatile Contexts current;

    private record Contexts(String name, SslContext server, SslContext client) {}

    private TlsContext(TlsMaterial material, ClientAuth clientAuth, boolean withClientSide, boolean verifyHostname) {
        this.clientAuth = clientAuth;
        this.withClientSide = withClientSide;
        this.verifyHostname = verifyHostname;
        this.current = build(material);
    }

    /** For the secure client port: a server context asking for client certificates as {@code auth} says. */
    public static TlsContext forClientPort(TlsMaterial material, TlsClientAuth auth) {
        return new TlsContext(material, Objects.requireNonNull(auth, "auth").netty, false, false);
    }

    /**
     * For links between peers: both ends present their certificate and verify the other's against the trust
     * store (mutual TLS); the dialling side also checks the peer's name against its address when
     * {@code verifyHostname}.
     */
    public static TlsContext forQuorum(TlsMaterial material, boolean verifyHostname) {
        return new TlsContext(material, ClientAuth.REQUIRE, true, verifyHostname);
    }

    /**
     * Builds contexts from new material and makes them current. Throws {@link IllegalArgumentException} if
     * the material cannot make a context; the old contexts then stay in use.
     */
    public void reload(TlsMaterial material) {
        current = build(material);
        log.info("TLS material reloaded from {}; new connections use it", material.name());
    }

    /** What the current contexts were built from, for logs. */
    public String source() {
        return current.name();
    }

    SslHandler newServerHandler(ByteBufAllocator alloc) {
        return current.server().newHandler(alloc);
    }

    SslHandler newClientHandler(ByteBufAllocator alloc, InetSocketAddress peer) {
        SslContext client = current.client();
        if (client == null) {
            throw new IllegalStateException("this TLS context has no client side");
        }
        return client.newHandler(alloc, peer.getHostString(), peer.getPort());
    }

    private Contexts build(TlsMaterial m) {
        try {
            SslContextBuilder server =
                    SslContextBuilder.forServer(m.keyManagers()).clientAuth(clientAuth);
            if (clientAuth != ClientAuth.NONE) {
                server.trustManager(m.trustManagers());
            }
            SslContext client = null;
            if (withClientSide) {
                SslContextBuilder b = SslContextBuilder.forClient()
                        .keyManager(m.keyManagers())
                        .trustManager(m.trustManagers())
                        // Netty 4.2 checks the host name by default; peers may be configured without it.
                        .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
                client = options(b, m).build();
            }
            return new Contexts(m.name(), options(server, m).build(), client);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cannot make a TLS context from " + m.name() + ": " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder options(SslContextBuilder b, TlsMaterial m) {
        if (!m.protocols().isEmpty()) {
            b.protocols(m.protocols());
        }
        if (!m.ciphers().isEmpty()) {
            b.ciphers(m.ciphers());
        }
        return b;
    }
}
