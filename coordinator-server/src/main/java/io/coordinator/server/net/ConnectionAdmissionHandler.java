package io.coordinator.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new connection into the {@link ConnectionRegistry}, or closes it when its IP already holds the
 * maximum number of connections; removes it from the registry when it closes.
 */
public final class ConnectionAdmissionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmissionHandler.class);

    private final ConnectionRegistry registry;
    private final NettyClientConnection connection;
    private final int maxPerIp;
    private String ip;

    public ConnectionAdmissionHandler(ConnectionRegistry registry, NettyClientConnection connection, int maxPerIp) {
        this.registry = registry;
        this.connection = connection;
        this.maxPerIp = maxPerIp;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ip = ipOf(ctx.channel().remoteAddress());
        if (!registry.admit(connection, ip, maxPerIp)) {
            connection.serverStats().connectionRejected();
            LOG.warn(
                    "Too many connections from {} - max is {} (coordinator.max-client-connections); closing {}",
                    ip,
                    maxPerIp,
                    ctx.channel().remoteAddress());
            connection.stopReading();
            ctx.close();
            return;
        }
        if (ctx.pipeline().get(SslHandler.class) == null) {
            // ZooKeeper's non_mtls_*_conn_count: every admitted connection without TLS, by where it comes from
            connection.serverStats().nonTlsConnection(isLoopback(ctx.channel().remoteAddress()));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ip != null) {
            registry.remove(connection, ip);
        }
        ctx.fireChannelInactive();
    }

    /** As ZooKeeper: an address that is not an IP (or unknown) counts as local. */
    private static boolean isLoopback(SocketAddress address) {
        return !(address instanceof InetSocketAddress inet)
                || inet.getAddress() == null
                || inet.getAddress().isLoopbackAddress();
    }

    static String ipOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
