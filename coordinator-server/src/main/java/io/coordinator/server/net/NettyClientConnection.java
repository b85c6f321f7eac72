package io.coordinator.server.net;

import io.coordinator.server.protocol.ConnectResponse;
import io.coordinator.server.protocol.Id;
import io.coordinator.server.protocol.JuteRecord;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.WatcherEvent;
import io.coordinator.server.request.ClientConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the Netty side. The request pipeline calls the send methods from its own
 * thread: each encodes its frame at once (so per-connection counters and latency are measured then) and
 * queues it; {@link #flush()} schedules one event-loop task that writes everything queued, in order, and
 * flushes the socket. Also keeps the per-connection statistics shown by {@code cons}/{@code stat} and
 * throttles reading while too many requests are outstanding.
 */
public final class NettyClientConnection implements ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(NettyClientConnection.class);

    /** Reading pauses while more than this many requests await their reply (ZooKeeper's throttling). */
    public static final int DEFAULT_MAX_OUTSTANDING = 1000;

    private final Channel channel;
    private final ServerStats serverStats;
    private final int maxOutstanding;
    private final long establishedMillis = System.currentTimeMillis();

    private final Queue<ByteBuf> pendingWrites = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean closeRequested;

    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private volatile long sessionId;
    private volatile int sessionTimeout;
    private volatile boolean handshakeStarted;

    // guarded by this
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private long connectStartNanos = -1;
    private boolean throttled;
    private boolean throttleLogged;
    private boolean readingStopped;
    private final LatencyCounter latency = new LatencyCounter();
    private long lastLatency;
    private long lastResponseTime;
    private String lastOp;
    private long lastCxid;
    private long lastZxid;

    private record InFlight(int xid, int type, long startNanos) {}

    public NettyClientConnection(Channel channel, ServerStats serverStats) {
        this(channel, serverStats, DEFAULT_MAX_OUTSTANDING);
    }

    public NettyClientConnection(Channel channel, ServerStats serverStats, int maxOutstanding) {
        this.channel = channel;
        this.serverStats = serverStats;
        this.maxOutstanding = maxOutstanding;
        resetStats();
    }

    public Channel channel() {
        return channel;
    }

    ServerStats serverStats() {
        return serverStats;
    }

    // ---------------------------------------------------------------- inbound bookkeeping (event loop)

    /** A frame (or a four-letter word) arrived. */
    void frameReceived() {
        packetsReceived.incrementAndGet();
        serverStats.packetReceived();
    }

    /** The ConnectRequest was decoded and is being handed to the sink. */
    synchronized void connectReceived(long startNanos) {
        handshakeStarted = true;
        connectStartNanos = startNanos;
    }

    /** Whether a ConnectRequest reached the sink (then the sink hears about the disconnect). */
    boolean handshakeStarted() {
        return handshakeStarted;
    }

    /** A request was decoded and is being handed to the sink. */
    void requestReceived(int xid, int type, long startNanos) {
        synchronized (this) {
            inFlight.addLast(new InFlight(xid, type, startNanos));
            if (xid > 0 && outstanding.incrementAndGet() > maxOutstanding && !throttled) {
                // Back-pressure: stop reading until replies drain; nothing is dropped (frames already read
                // are still decoded and queued).
                throttled = true;
                serverStats.readPaused();
                if (!throttleLogged) {
                    throttleLogged = true;
                    LOG.info(
                            "Pausing reads from {} (session 0x{}): {} requests outstanding, over"
                                    + " coordinator.max-outstanding-requests-per-connection; reading resumes as replies"
                                    + " drain (logged once per connection)",
                            remoteSocketAddress(),
                            Long.toHexString(sessionId),
                            outstanding.get());
                }
                if (!readingStopped) {
                    channel.config().setAutoRead(false);
                }
            }
        }
    }

    /** Stops reading for good (after a malformed request or for a four-letter word). */
    synchronized void stopReading() {
        readingStopped = true;
        channel.config().setAutoRead(false);
    }

    /** Whether reading is paused because too many requests are outstanding. */
    public synchronized boolean isThrottled() {
        return throttled;
    }

    // ---------------------------------------------------------------- ClientConnection (pipeline thread)

    @Override
    public void sendConnectResponse(ConnectResponse response) {
        ByteBuf frame = encodeConnectResponse(response);
        long end = System.nanoTime();
        synchronized (this) {
            if (connectStartNanos >= 0) {
                updateLatency(-1, 0, "SESS", connectStartNanos, end);
                connectStartNanos = -1;
            }
        }
        enqueue(frame);
        if (response.timeOut() <= 0) {
            close();
        }
    }

    @Override
    public void sendReply(ReplyHeader header, JuteRecord body) {
        ByteBuf frame = encodeReply(header, body);
        long end = System.nanoTime();
        synchronized (this) {
            InFlight request = takeInFlight(header.xid());
            if (request != null && header.xid() != ReplyHeader.AUTH_XID) {
                updateLatency(header.xid(), header.zxid(), lastOpName(request.type()), request.startNanos(), end);
            }
            if (header.xid() > 0 && outstanding.decrementAndGet() <= maxOutstanding && throttled) {
                throttled = false;
                if (!readingStopped) {
                    channel.config().setAutoRead(true);
                }
            }
        }
        enqueue(frame);
    }

    @Override
    public void sendNotification(WatcherEvent event, long zxid) {
        enqueue(encodeNotification(event, zxid));
    }

    @Override
    public void flush() {
        scheduleDrain();
    }

    @Override
    public void close() {
        closeRequested = true;
        scheduleDrain();
    }

    @Override
    public List<Id> transportIdentities() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return List.of();
        }
        try {
            // The engine verified the chain against the trust store; ZooKeeper names the client by its leaf's subject.
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                return List.of(new Id("x509", leaf.getSubjectX500Principal().getName()));
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate (client-auth none or want)
        }
        return List.of();
    }

    @Override
    public String remoteAddress() {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    @Override
    public String remoteSocketAddress() {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void sessionEstablished(long sessionId, int negotiatedTimeout) {
        this.sessionTimeout = negotiatedTimeout;
        this.sessionId = sessionId;
    }

    // ---------------------------------------------------------------- writing

    private void enqueue(ByteBuf frame) {
        packetsSent.incrementAndGet();
        serverStats.packetSent(frame.readableBytes() - 4);
        pendingWrites.add(frame);
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the event loop is shutting down: the channel is closing anyway
                drainScheduled.set(false);
                pendingWrites.clear();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean wrote = false;
        ByteBuf frame;
        while ((frame = pendingWrites.poll()) != null) {
            channel.write(frame, channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        if (closeRequested) {
            channel.close();
        }
    }

    /** A ConnectResponse frame: length + bare record (36 bytes, or 37 with the readOnly byte). */
    public static ByteBuf encodeConnectResponse(ConnectResponse response) {
        return frame(response, null);
    }

    /** A reply frame: length + ReplyHeader + body (if any). */
    public static ByteBuf encodeReply(ReplyHeader header, JuteRecord body) {
        return frame(header, body);
    }

    /** A notification frame: length + ReplyHeader(-1, zxid, 0) + WatcherEvent. */
    public static ByteBuf encodeNotification(WatcherEvent event, long zxid) {
        return frame(new ReplyHeader(ReplyHeader.NOTIFICATION_XID, zxid, 0), event);
    }

    private static ByteBuf frame(JuteRecord first, JuteRecord second) {
        JuteWriter w = new JuteWriter(64);
        w.writeInt(0);
        first.write(w);
        if (second != null) {
            second.write(w);
        }
        w.setInt(0, w.size() - 4);
        return Unpooled.wrappedBuffer(w.array(), 0, w.size());
    }

    // ---------------------------------------------------------------- statistics

    private InFlight takeInFlight(int xid) {
        for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
            InFlight f = it.next();
            if (f.xid() == xid) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    private void updateLatency(long cxid, long zxid, String op, long startNanos, long endNanos) {
        long elapsed = Math.max(0, (endNanos - startNanos) / 1_000_000);
        if (cxid >= 0) {
            lastCxid = cxid;
        }
        lastZxid = zxid;
        lastOp = op;
        lastResponseTime = System.currentTimeMillis();
        lastLatency = elapsed;
        latency.add(elapsed);
        serverStats.recordLatency(elapsed);
        serverStats.requestCompleted(op, Math.max(0, endNanos - startNanos));
    }

    /** crst: clears this connection's counters (ZooKeeper's ServerCnxn.resetStats). */
    public synchronized void resetStats() {
        packetsReceived.set(0);
        packetsSent.set(0);
        latency.reset();
        lastOp = "NA";
        lastCxid = -1;
        lastZxid = -1;
        lastResponseTime = 0;
        lastLatency = 0;
    }

    public long packetsReceived() {
        return packetsReceived.get();
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    public long outstandingRequests() {
        return outstanding.get();
    }

    public long sessionId() {
        return sessionId;
    }

    public int sessionTimeout() {
        return sessionTimeout;
    }

    public long establishedMillis() {
        return establishedMillis;
    }

    public synchronized String lastOperation() {
        return lastOp;
    }

    public synchronized long lastCxid() {
        return lastCxid;
    }

    public synchronized long lastZxid() {
        return lastZxid;
    }

    public synchronized long minLatency() {
        return latency.min();
    }

    public synchronized long maxLatency() {
        return latency.max();
    }

    public synchronized long avgLatency() {
        return latency.count() == 0 ? 0 : latency.total() / latency.count();
    }

    /** Interest ops as ZooKeeper's Netty connection reports them: 1 = reading, 4 = not writable, 0 = closed. */
    public synchronized int interestOps() {
        if (!channel.isOpen()) {
            return 0;
        }
        int ops = 0;
        if (!throttled && !readingStopped) {
            ops |= 1;
        }
        if (!channel.isWritable()) {
            ops |= 4;
        }
        return ops;
    }

    /** True on the secure client port (TLS). */
    public boolean isSecure() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** ZooKeeper's ServerCnxn.getConnectionInfo(brief=true), what the AdminServer's stats lists per connection. */
    public synchronized Map<String, Object> briefInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("remote_socket_address", remoteSocketAddress());
        info.put("interest_ops", interestOps());
        info.put("outstanding_requests", outstanding.get());
        info.put("packets_received", packetsReceived.get());
        info.put("packets_sent", packetsSent.get());
        return info;
    }

    /**
     * One line of cons (full) or stat (brief), without the trailing newline, in ZooKeeper's format:
     * {@code  /ip:port[ops](queued=,recved=,sent=[,sid=0x..,lop=,est=,to=,lcxid=0x..,lzxid=0x..,lresp=,llat=,minlat=,avglat=,maxlat=])}.
     */
    public synchronized String describe(boolean brief) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(' ').append(channel.remoteAddress());
        int ops = interestOps();
        sb.append('[')
                .append(ops == 0 ? "0" : Integer.toHexString(ops))
                .append("](queued=")
                .append(outstanding.get())
                .append(",recved=")
                .append(packetsReceived.get())
                .append(",sent=")
                .append(packetsSent.get());
        long sid = sessionId;
        if (!brief && sid != 0) {
            sb.append(",sid=0x")
                    .append(Long.toHexString(sid))
                    .append(",lop=")
                    .append(lastOp)
                    .append(",est=")
                    .append(establishedMillis)
                    .append(",to=")
                    .append(sessionTimeout);
            if (lastCxid >= 0) {
                sb.append(",lcxid=0x").append(Long.toHexString(lastCxid));
            }
            sb.append(",lzxid=0x")
                    .append(Long.toHexString(lastZxid))
                    .append(",lresp=")
                    .append(lastResponseTime)
                    .append(",llat=")
                    .append(lastLatency)
                    .append(",minlat=")
                    .append(minLatency())
                    .append(",avglat=")
                    .append(avgLatency())
                    .append(",maxlat=")
                    .append(maxLatency());
        }
        sb.append(')');
        return sb.toString();
    }

    /** ZooKeeper's FinalRequestProcessor abbreviation of an opcode (cons "lop="). */
    static String lastOpName(int type) {
        return switch (type) {
            case OpCode.PING -> "PING";
            case OpCode.MULTI -> "MULT";
            case OpCode.MULTI_READ -> "MLTR";
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> "CREA";
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> "DELE";
            case OpCode.SET_DATA -> "SETD";
            case OpCode.RECONFIG -> "RECO";
            case OpCode.SET_ACL -> "SETA";
            case OpCode.CLOSE_SESSION -> "CLOS";
            case OpCode.SYNC -> "SYNC";
            case OpCode.CHECK -> "CHEC";
            case OpCode.EXISTS -> "EXIS";
            case OpCode.GET_DATA -> "GETD";
            case OpCode.SET_WATCHES -> "SETW";
            case OpCode.SET_WATCHES2 -> "STW2";
            case OpCode.ADD_WATCH -> "ADDW";
            case OpCode.GET_ACL -> "GETA";
            case OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 -> "GETC";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "GETACN";
            case OpCode.CHECK_WATCHES -> "CHKW";
            case OpCode.REMOVE_WATCHES -> "REMW";
            case OpCode.WHO_AM_I -> "HOMI";
            case OpCode.GET_EPHEMERALS -> "GETE";
            default -> "NA";
        };
    }
}
