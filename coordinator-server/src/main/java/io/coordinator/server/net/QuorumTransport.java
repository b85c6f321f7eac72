package io.coordinator.server.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * Carries opaque messages between the servers of an ensemble: one outbound TCP connection to every peer
 * (re-dialled with backoff while the peer is down), and inbound connections from peers, each opened with
 * a hello frame naming the sender. Frames are length-prefixed. Delivery is best effort: a message to a
 * peer that is unreachable, or whose connection has more than {@code maxQueuedBytes} unsent, is dropped
 * and counted; the replication protocol recovers from loss through its own timeouts.
 *
 * <p>With a {@link TlsContext} every connection is mutual TLS: the listening side requires the dialler's
 * certificate, the dialler verifies the listener's, both against the same trust store, and a connection
 * counts as up only once its handshake succeeded. A peer with other certificates, or without TLS, cannot
 * exchange a single message; both sides log why.
 */
public final class QuorumTransport implements PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(QuorumTransport.class);
    static final int HELLO_MAGIC = 0x434f5152; // "COQR"
    static final int VERSION = 1;
    private static final long MAX_BACKOFF_MS = 2000;
    private static final long FIRST_BACKOFF_MS = 100;

    private final String name;
    private final int myId;
    private final InetSocketAddress bindAddress;
    /** Replaced whole when the membership changes ({@link #setPeers}); read on transport threads. */
    private volatile Map<Integer, InetSocketAddress> peers;

    private final Receiver receiver;
    private final int maxFrameBytes;
    private final int maxQueuedBytes;
    private final TlsContext tls;
    /** The last connection failure logged per peer (outbound) / per kind (inbound): repeats go to debug. */
    private final Map<Object, String> lastFailure = new ConcurrentHashMap<>();

    private final Map<Integer, Channel> outbound = new ConcurrentHashMap<>();
    private final Map<Integer, Long> backoff = new ConcurrentHashMap<>();
    private long firstBackoffMs = FIRST_BACKOFF_MS;
    private long maxBackoffMs = MAX_BACKOFF_MS;
    /** A redial waiting out its back-off, per peer. */
    private final Map<Integer, ScheduledFuture<?>> pendingDial = new ConcurrentHashMap<>();

    private final AtomicLong dropped = new AtomicLong();
    private EventLoopGroup group;
    private ChannelGroup channels;
    private Channel server;
    private volatile boolean running;

    /**
     * @param name  for logs and thread names ("quorum", "election")
     * @param peers every other server's address for this transport, by server id
     * @param tls   mutual TLS on every connection, or null for plain TCP
     */
    public QuorumTransport(
            String name,
            int myId,
            InetSocketAddress bindAddress,
            Map<Integer, InetSocketAddress> peers,
            Receiver receiver,
            int maxFrameBytes,
            int maxQueuedBytes,
            TlsContext tls) {
        this.tls = tls;
        this.name = name;
        this.myId = myId;
        this.bindAddress = bindAddress;
        this.peers = Map.copyOf(peers);
        this.receiver = receiver;
        this.maxFrameBytes = maxFrameBytes;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public synchronized void start() {
        group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory(name + "-transport"), NioIoHandler.newFactory());
        channels = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        running = true;
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (tls != null) {
                            ch.pipeline()
                                    .addLast(tls.newServerHandler(ch.alloc()))
                                    .addLast(new InboundTlsOutcome());
                        } else {
                            ch.pipeline().addLast(new TlsSniffer());
                        }
                        ch.pipeline()
                                .addLast(new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4))
                                .addLast(new InboundHandler());
                    }
                });
        var bind = sb.bind(bindAddress).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            stop();
            throw new IllegalStateException("cannot bind " + name + " port " + bindAddress, bind.cause());
        }
        server = bind.channel();
        for (int peer : peers.keySet()) {
            dial(peer);
        }
        log.info(
                "{} transport of server {} listening on {}{}",
                name,
                myId,
                bindAddress,
                tls == null ? "" : " (mutual TLS from " + tls.source() + ")");
    }

    /**
     * The members changed (a reconfig): connects to the new ones, and closes the connection to each removed one
     * (or one whose address changed; it is redialled at the new address). Inbound connections are left alone: a
     * peer that is no member any more may still ask to be let back in, and a new one is accepted from now on.
     */
    @Override
    public synchronized void setPeers(Map<Integer, InetSocketAddress> newPeers) {
        Map<Integer, InetSocketAddress> old = peers;
        Map<Integer, InetSocketAddress> next = new java.util.HashMap<>(newPeers);
        next.remove(myId);
        peers = Map.copyOf(next);
        if (!running) {
            return;
        }
        for (Map.Entry<Integer, InetSocketAddress> e : peers.entrySet()) {
            InetSocketAddress before = old.get(e.getKey());
            if (before == null) {
                log.info("{} transport of server {}: server {} at {} joined", name, myId, e.getKey(), e.getValue());
                backoff.remove(e.getKey());
                dial(e.getKey());
            } else if (!sameAddress(before, e.getValue())) {
                closeOutbound(e.getKey());
            }
        }
        for (int id : old.keySet()) {
            if (!peers.containsKey(id)) {
                log.info("{} transport of server {}: server {} left the ensemble", name, myId, id);
                closeOutbound(id);
            }
        }
    }

    private static boolean sameAddress(InetSocketAddress a, InetSocketAddress b) {
        return a.getHostString().equals(b.getHostString()) && a.getPort() == b.getPort();
    }

    private void closeOutbound(int peerId) {
        Channel ch = outbound.get(peerId);
        if (ch != null) {
            ch.close();
        }
    }

    /** The bound address (useful with port 0). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        if (channels != null) {
            channels.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public void send(int peerId, byte[] payload) {
        Channel ch = outbound.get(peerId);
        // Unwritable = more than maxQueuedBytes wait in the connection's buffer (the high water mark).
        if (ch == null || !ch.isActive() || !ch.isWritable() || payload.length > maxFrameBytes) {
            dropped.incrementAndGet();
            return;
        }
        ByteBuf buf = ch.alloc().buffer(payload.length);
        buf.writeBytes(payload);
        ch.writeAndFlush(buf, ch.voidPromise());
    }

    /** Whether an outbound connection to the peer is up. */
    @Override
    public boolean isConnected(int peerId) {
        Channel ch = outbound.get(peerId);
        return ch != null && ch.isActive();
    }

    public long droppedMessages() {
        return dropped.get();
    }

    private void dial(int peerId) {
        if (!running) {
            return;
        }
        // Resolve the peer's name again on every attempt: in Kubernetes a peer's DNS record appears only once its
        // pod exists, and its address changes when the pod is replaced.
        InetSocketAddress configured = peers.get(peerId);
        if (configured == null) {
            return; // no longer a member: a reconfig removed it
        }
        InetSocketAddress address = new InetSocketAddress(configured.getHostString(), configured.getPort());
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(maxQueuedBytes / 2, maxQueuedBytes))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newClientHandler(ch.alloc(), address));
                        }
                        ch.pipeline()
                                .addLast(new LengthFieldPrepender(4))
                                .addLast(new IdleStateHandler(0, 1, 0, TimeUnit.SECONDS))
                                .addLast(new OutboundHandler());
                    }
                });
        b.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                redial(peerId);
                return;
            }
            Channel ch = f.channel();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                connected(peerId, address, ch);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    connected(peerId, address, ch);
                } else {
                    String reason = TlsHandshakeLogger.describe(h.cause());
                    logFailure(
                            peerId,
                            reason,
                            "{} transport: TLS handshake from server {} to server {} at {} failed: {}"
                                    + " (does that server use this ensemble's certificates and coordinator.ssl.quorum-bundle?)",
                            name,
                            myId,
                            peerId,
                            address,
                            reason);
                    ch.close();
                    redial(peerId);
                }
            });
        });
    }

    private void connected(int peerId, InetSocketAddress address, Channel ch) {
        ByteBuf hello =
                ch.alloc().buffer(12).writeInt(HELLO_MAGIC).writeInt(VERSION).writeInt(myId);
        ch.writeAndFlush(hello);
        // Keep-alives only from now: during a slow TLS handshake one could otherwise be queued before the hello.
        OutboundHandler keepAlive = ch.pipeline().get(OutboundHandler.class);
        if (keepAlive != null) {
            keepAlive.helloSent = true;
        }
        outbound.put(peerId, ch);
        long connectedAt = System.nanoTime();
        log.info(
                "{} transport: server {} connected to server {} at {}{}",
                name,
                myId,
                peerId,
                address,
                tls == null ? "" : " (TLS)");
        ch.closeFuture().addListener(c -> {
            outbound.remove(peerId, ch);
            // Back off afresh only after a connection that lasted: a peer that accepts and then drops us at
            // once (with TLS 1.3, a listener refusing our certificate) must not be redialled in a tight loop.
            if (System.nanoTime() - connectedAt > TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MS)) {
                backoff.remove(peerId);
                lastFailure.remove(peerId);
            }
            if (running) {
                log.info("{} transport: connection from server {} to server {} closed", name, myId, peerId);
                receiver.onDisconnected(peerId);
                redial(peerId);
            }
        });
    }

    /**
     * Logs a connection failure at warn the first time, at debug while the same {@code reason} repeats for
     * {@code key} (a peer redials every few seconds).
     */
    private void logFailure(Object key, String reason, String format, Object... args) {
        String text = MessageFormatter.arrayFormat(format, args).getMessage();
        if (!reason.equals(lastFailure.put(key, reason))) {
            log.warn(text);
        } else {
            log.debug(text);
        }
    }

    private void redial(int peerId) {
        if (!running) {
            return;
        }
        long delay = backoff.merge(peerId, firstBackoffMs, (old, x) -> Math.min(maxBackoffMs, old * 2));
        pendingDial.put(
                peerId,
                group.schedule(
                        () -> {
                            pendingDial.remove(peerId);
                            dial(peerId);
                        },
                        delay,
                        TimeUnit.MILLISECONDS));
    }

    /** Test hook, before {@link #start}: the redial back-off's first and longest wait. */
    QuorumTransport withBackoff(long firstMs, long maxMs) {
        this.firstBackoffMs = firstMs;
        this.maxBackoffMs = maxMs;
        return this;
    }

    /** Whether a redial of {@code peerId} is waiting out its back-off (tests). */
    boolean redialPending(int peerId) {
        return pendingDial.containsKey(peerId);
    }

    /**
     * The peer has just connected to us, so it is up: a redial of it waiting out its back-off goes now. Without
     * this a restarted member waits up to the longest back-off (2 s) for its peers' answers (votes, the leader's
     * sync), which it cannot get before they connect back.
     */
    private void peerIsUp(int peerId) {
        ScheduledFuture<?> waiting = pendingDial.remove(peerId);
        if (waiting != null && waiting.cancel(false)) {
            backoff.remove(peerId);
            dial(peerId);
        }
    }

    /** Outbound side: only keep-alives; a peer that stops reading is noticed by the protocol's own pings. */
    private static final class OutboundHandler extends ChannelDuplexHandler {
        /** Set on the event loop once the hello is written. */
        boolean helloSent;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && helloSent) {
                // An empty frame keeps NATs and idle timeouts from closing a quiet connection.
                ctx.writeAndFlush(ctx.alloc().buffer(0));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Inbound TLS: reports a failed handshake (a peer with other certificates, or without TLS) in one line. */
    private final class InboundTlsOutcome extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    ctx.pipeline().remove(this);
                } else {
                    // Keyed by the reason, not the remote port, which changes with every redial.
                    String reason = TlsHandshakeLogger.describe(done.cause());
                    logFailure(
                            "inbound",
                            reason,
                            "{} transport of server {}: TLS handshake with {} failed: {}"
                                    + " (a server without coordinator.ssl.quorum-bundle, or with certificates this"
                                    + " ensemble does not trust?); closing",
                            name,
                            myId,
                            ctx.channel().remoteAddress(),
                            reason);
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (TlsHandshakeLogger.isTlsFailure(cause)) {
                ctx.close(); // reported by userEventTriggered
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }

    /**
     * Plain inbound: a TLS hello means the peer was configured for TLS and this server was not. One byte tells:
     * a TLS handshake record starts with 0x16, a frame of ours with the high byte of a length far below 0x16000000.
     */
    private final class TlsSniffer extends ByteToMessageDecoder {
        private static final int TLS_HANDSHAKE_RECORD = 0x16;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!in.isReadable()) {
                return;
            }
            if (in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
                logFailure(
                        "inbound",
                        "tls",
                        "{} transport of server {}: {} speaks TLS, but this server has no"
                                + " coordinator.ssl.quorum-bundle; closing",
                        name,
                        myId,
                        ctx.channel().remoteAddress());
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this); // hands the bytes read so far to the frame decoder
        }
    }

    /** Inbound side: the first frame must be a hello naming a known peer; later frames are messages. */
    private final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private int from = -1;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (from < 0) {
                if (frame.readableBytes() != 12 || frame.readInt() != HELLO_MAGIC) {
                    log.warn(
                            "{} transport: connection from {} did not start with a hello; closing",
                            name,
                            ctx.channel().remoteAddress());
                    ctx.close();
                    return;
                }
                int version = frame.readInt();
                int id = frame.readInt();
                if (version != VERSION || !peers.containsKey(id)) {
                    log.warn(
                            "{} transport: connection from {} claims server {} (version {}), which is not a peer; closing",
                            name,
                            ctx.channel().remoteAddress(),
                            id,
                            version);
                    ctx.close();
                    return;
                }
                from = id;
                peerIsUp(id);
                return;
            }
            if (!frame.isReadable()) {
                return; // keep-alive
            }
            byte[] payload = new byte[frame.readableBytes()];
            frame.readBytes(payload);
            try {
                receiver.onMessage(from, payload);
            } catch (RuntimeException e) {
                log.warn("{} transport: message from server {} rejected: {}", name, from, e.toString());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info(
                    "{} transport: closing connection from {}: {}",
                    name,
                    ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }
}
