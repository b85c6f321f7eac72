package io.coordinator.server.net;

import io.coordinator.server.request.ServerView;
import io.coordinator.server.request.RequestSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper client port: accepts client connections, runs four-letter words, frames and decodes
 * client traffic into a {@link RequestSink}, and carries the pipeline's replies back. Uses epoll when
 * Netty's native transport is on the classpath and usable, NIO otherwise.
 *
 * <pre>
 * ClientPortServer server = new ClientPortServer(ClientPortConfig.of("0.0.0.0", 2181), sink, view);
 * server.start();   // binds; server.port() is the bound port
 * ...
 * server.stop();    // closes the listen socket and every connection, waits for the threads
 * </pre>
 */
public final class ClientPortServer {
    private static final Logger LOG = LoggerFactory.getLogger(ClientPortServer.class);

    private final ClientPortConfig config;
    private final RequestSink sink;
    private final ServerView view;
    private final ServerStats stats;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final int maxOutstanding;

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ChannelGroup allChannels;
    private Channel serverChannel;
    private volatile int boundPort = -1;

    public ClientPortServer(ClientPortConfig config, RequestSink sink, ServerView view) {
        this(config, sink, view, new ServerStats(), NettyClientConnection.DEFAULT_MAX_OUTSTANDING);
    }

    public ClientPortServer(ClientPortConfig config, RequestSink sink, ServerView view, ServerStats stats,
                            int maxOutstandingPerConnection) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.view = Objects.requireNonNull(view, "view");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.maxOutstanding = maxOutstandingPerConnection;
    }

    /** Binds the port. Throws {@link IllegalStateException} when already started or the bind fails. */
    public synchronized void start() {
        if (serverChannel != null) {
            throw new IllegalStateException("client port already started");
        }
        Transport transport = Transport.select();
        int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("client-port-accept"),
                transport.factory());
        workerGroup = new MultiThreadIoEventLoopGroup(workers, new DefaultThreadFactory("client-port-io"),
                transport.factory());
        allChannels = new DefaultChannelGroup("client-port", GlobalEventExecutor.INSTANCE);
        ClientPortChannelInitializer pipeline =
                new ClientPortChannelInitializer(config, sink, view, stats, registry, maxOutstanding);
        ChannelGroup channels = allChannels;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(pipeline);
                    }
                });
        ChannelFuture bind = bootstrap.bind(new InetSocketAddress(config.host(), config.port())).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdownGroups();
            throw new IllegalStateException("cannot bind client port " + config.host() + ":" + config.port(),
                    bind.cause());
        }
        serverChannel = bind.channel();
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.info("Client port listening on {}:{} ({} transport, {} worker threads)", config.host(), boundPort,
                transport.name(), workers);
    }

    /** Closes the listen socket and all connections, and waits for the event loops to terminate. */
    public synchronized void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().awaitUninterruptibly();
        allChannels.close().awaitUninterruptibly();
        shutdownGroups();
        serverChannel = null;
        LOG.info("Client port {} stopped", boundPort);
    }

    private void shutdownGroups() {
        var boss = bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var worker = workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.awaitUninterruptibly();
        worker.awaitUninterruptibly();
    }

    /** The bound port (useful with port 0), or -1 before {@link #start()}. */
    public int port() {
        return boundPort;
    }

    public ServerStats stats() {
        return stats;
    }

    public ConnectionRegistry connections() {
        return registry;
    }

    public ClientPortConfig config() {
        return config;
    }

    /** The event-loop flavour: native epoll when available, else NIO. */
    record Transport(String name, IoHandlerFactory factory, Class<? extends ServerChannel> serverChannel) {

        @SuppressWarnings("unchecked")
        static Transport select() {
            if (!Boolean.getBoolean("coordinator.net.forceNio")) {
                try {
                    Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
                    if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                        IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                                .getMethod("newFactory").invoke(null);
                        Class<? extends ServerChannel> channel = (Class<? extends ServerChannel>)
                                Class.forName("io.netty.channel.epoll.EpollServerSocketChannel");
                        return new Transport("epoll", factory, channel);
                    }
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    LOG.debug("Native epoll transport unavailable, using NIO: {}", e.toString());
                }
            }
            return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
        }
    }
}
