package io.coordinator.server.net;

import io.coordinator.server.request.RequestSink;
import io.coordinator.server.request.ServerView;
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
    private Channel secureServerChannel;
    private volatile int boundPort = -1;
    private int securePort = -1;
    private TlsContext secureTls;
    private volatile int boundSecurePort = -1;
    private DataDirSizes dirs = DataDirSizes.NONE;

    public ClientPortServer(ClientPortConfig config, RequestSink sink, ServerView view) {
        this(config, sink, view, new ServerStats(), NettyClientConnection.DEFAULT_MAX_OUTSTANDING);
    }

    public ClientPortServer(
            ClientPortConfig config,
            RequestSink sink,
            ServerView view,
            ServerStats stats,
            int maxOutstandingPerConnection) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.view = Objects.requireNonNull(view, "view");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.maxOutstanding = maxOutstandingPerConnection;
    }

    /**
     * Also listen on {@code port} for TLS clients (ZooKeeper's secureClientPort): the same pipeline behind a
     * Netty SslHandler. Call before {@link #start()}; 0 picks an ephemeral port ({@link #securePort()}).
     */
    public synchronized ClientPortServer withSecurePort(int port, TlsContext tls) {
        if (started()) {
            throw new IllegalStateException("client port already started");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("secure port out of range: " + port);
        }
        this.securePort = port;
        this.secureTls = Objects.requireNonNull(tls, "tls");
        return this;
    }

    /** The directories {@code dirs} reports the size of. Call before {@link #start()}. */
    public synchronized ClientPortServer withDataDirs(DataDirSizes dirs) {
        if (started()) {
            throw new IllegalStateException("client port already started");
        }
        this.dirs = Objects.requireNonNull(dirs, "dirs");
        return this;
    }

    private boolean started() {
        return serverChannel != null || secureServerChannel != null;
    }

    /**
     * Binds the plain port (unless the config's port is -1) and the secure one (if configured). Throws
     * {@link IllegalStateException} when already started or a bind fails.
     */
    public synchronized void start() {
        if (started()) {
            throw new IllegalStateException("client port already started");
        }
        if (config.port() < 0 && secureTls == null) {
            throw new IllegalStateException("neither a plain nor a secure client port is configured");
        }
        Transport transport = Transport.select();
        int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        bossGroup =
                new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("client-port-accept"), transport.factory());
        workerGroup = new MultiThreadIoEventLoopGroup(
                workers, new DefaultThreadFactory("client-port-io"), transport.factory());
        allChannels = new DefaultChannelGroup("client-port", GlobalEventExecutor.INSTANCE);
        ClientPortChannelInitializer pipeline =
                new ClientPortChannelInitializer(config, sink, view, stats, registry, maxOutstanding, dirs);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true);
        if (config.port() >= 0) {
            serverChannel =
                    bind(bootstrap.clone().childHandler(childInitializer(pipeline, null)), config.port(), "client");
            boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
            LOG.info(
                    "Client port listening on {}:{} ({} transport, {} worker threads)",
                    config.host(),
                    boundPort,
                    transport.name(),
                    workers);
        }
        if (secureTls != null) {
            secureServerChannel = bind(
                    bootstrap.clone().childHandler(childInitializer(pipeline, secureTls)), securePort, "secure client");
            boundSecurePort = ((InetSocketAddress) secureServerChannel.localAddress()).getPort();
            LOG.info(
                    "Secure client port listening on {}:{} (TLS from {})",
                    config.host(),
                    boundSecurePort,
                    secureTls.source());
        }
    }

    private ChannelInitializer<Channel> childInitializer(ClientPortChannelInitializer pipeline, TlsContext tls) {
        ChannelGroup channels = allChannels;
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                if (tls != null) {
                    // TLS first: four-letter words and ZooKeeper frames are read from the decrypted stream, as
                    // on ZooKeeper's secure port.
                    ch.pipeline().addLast("tls", tls.newServerHandler(ch.alloc()));
                    ch.pipeline().addLast("tlsHandshake", new TlsHandshakeLogger(stats));
                }
                ch.pipeline().addLast(pipeline);
            }
        };
    }

    private Channel bind(ServerBootstrap bootstrap, int port, String what) {
        ChannelFuture bind =
                bootstrap.bind(new InetSocketAddress(config.host(), port)).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            if (serverChannel != null) {
                serverChannel.close().awaitUninterruptibly();
                serverChannel = null;
            }
            shutdownGroups();
            throw new IllegalStateException(
                    "cannot bind " + what + " port " + config.host() + ":" + port, bind.cause());
        }
        return bind.channel();
    }

    /** Closes the listen socket and all connections, and waits for the event loops to terminate. */
    public synchronized void stop() {
        if (!started()) {
            return;
        }
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (secureServerChannel != null) {
            secureServerChannel.close().awaitUninterruptibly();
        }
        allChannels.close().awaitUninterruptibly();
        shutdownGroups();
        serverChannel = null;
        secureServerChannel = null;
        LOG.info(
                "Client port {} stopped",
                boundSecurePort < 0 ? boundPort : boundPort + " and secure port " + boundSecurePort);
    }

    private void shutdownGroups() {
        var boss = bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var worker = workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.awaitUninterruptibly();
        worker.awaitUninterruptibly();
    }

    /** The bound plain port (useful with port 0), or -1 before {@link #start()} or without a plain port. */
    public int port() {
        return boundPort;
    }

    /** The bound secure (TLS) port, or -1 before {@link #start()} or without one. */
    public int securePort() {
        return boundSecurePort;
    }

    /** The four-letter words over this port's traffic and connections (the AdminServer's commands reuse them). */
    public synchronized FourLetterWords words() {
        return new FourLetterWords(config, view, stats, registry, dirs);
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
                        IoHandlerFactory factory =
                                (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                                        .getMethod("newFactory")
                                        .invoke(null);
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
