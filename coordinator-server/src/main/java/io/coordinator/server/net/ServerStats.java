package io.coordinator.server.net;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-wide traffic counters of the client port (ZooKeeper's ServerStats): packets in and out, request
 * latency min/avg/max in milliseconds, reply sizes, uptime. Thread-safe; {@link #reset()} backs {@code srst}.
 */
public final class ServerStats {
    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    // limits (never reset by srst: they feed monotonic Micrometer counters)
    private final AtomicLong connectionsRejected = new AtomicLong();
    private final AtomicLong oversizedFrames = new AtomicLong();
    private final AtomicLong readPauses = new AtomicLong();
    // ZooKeeper's TLS and auth counters (never reset by srst, as there)
    private final AtomicInteger outstandingTlsHandshakes = new AtomicInteger();
    private final AtomicLong tlsHandshakeFailures = new AtomicLong();
    private final AtomicLong nonMtlsLocalConnections = new AtomicLong();
    private final AtomicLong nonMtlsRemoteConnections = new AtomicLong();
    private final long startNanos = System.nanoTime();

    // guarded by this
    private final LatencyCounter latency = new LatencyCounter();

    // reply sizes (BufferStats), guarded by this
    private int lastResponseSize = -1;
    private int minResponseSize = -1;
    private int maxResponseSize = -1;

    public void packetReceived() {
        packetsReceived.incrementAndGet();
    }

    /** One frame went out; {@code payloadSize} excludes the 4-byte length prefix. */
    public void packetSent(int payloadSize) {
        packetsSent.incrementAndGet();
        synchronized (this) {
            lastResponseSize = payloadSize;
            if (minResponseSize < 0 || payloadSize < minResponseSize) {
                minResponseSize = payloadSize;
            }
            if (payloadSize > maxResponseSize) {
                maxResponseSize = payloadSize;
            }
        }
    }

    /** Told of every answered request (op as {@code cons} names it, e.g. GETD) with its latency; for metrics. */
    public interface RequestListener {
        void completed(String op, long nanos);
    }

    private final List<RequestListener> requestListeners = new CopyOnWriteArrayList<>();

    /** Adds a listener (the Micrometer timers, the console's metrics history). */
    public void addRequestListener(RequestListener listener) {
        requestListeners.add(listener);
    }

    void requestCompleted(String op, long nanos) {
        for (RequestListener l : requestListeners) {
            l.completed(op, nanos);
        }
    }

    public synchronized void recordLatency(long millis) {
        if (millis < 0) {
            return;
        }
        latency.add(millis);
    }

    /** A connection was refused: its IP already held the maximum number of connections. */
    void connectionRejected() {
        connectionsRejected.incrementAndGet();
    }

    /** A frame longer than the maximum packet size (or negative) closed its connection. */
    void oversizedFrame() {
        oversizedFrames.incrementAndGet();
    }

    /** A connection stopped reading because it reached its maximum of outstanding requests (back-pressure). */
    void readPaused() {
        readPauses.incrementAndGet();
    }

    /** A TLS handshake with a client started. */
    void tlsHandshakeStarted() {
        outstandingTlsHandshakes.incrementAndGet();
    }

    /** A started TLS handshake ended (done, failed, or the connection closed meanwhile). */
    void tlsHandshakeEnded(boolean failed) {
        outstandingTlsHandshakes.decrementAndGet();
        if (failed) {
            tlsHandshakeFailures.incrementAndGet();
        }
    }

    /** A connection was accepted without TLS (ZooKeeper's non_mtls_*_conn_count), from a loopback address or not. */
    void nonTlsConnection(boolean local) {
        (local ? nonMtlsLocalConnections : nonMtlsRemoteConnections).incrementAndGet();
    }

    public int outstandingTlsHandshakes() {
        return outstandingTlsHandshakes.get();
    }

    /** Failed TLS handshakes: ZooKeeper counts them in auth_failed_count. */
    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.get();
    }

    public long nonMtlsLocalConnections() {
        return nonMtlsLocalConnections.get();
    }

    public long nonMtlsRemoteConnections() {
        return nonMtlsRemoteConnections.get();
    }

    public long connectionsRejected() {
        return connectionsRejected.get();
    }

    public long oversizedFrames() {
        return oversizedFrames.get();
    }

    public long readPauses() {
        return readPauses.get();
    }

    public long packetsReceived() {
        return packetsReceived.get();
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    public synchronized long minLatency() {
        return latency.min();
    }

    public synchronized long maxLatency() {
        return latency.max();
    }

    /** Average latency rounded to 4 decimals, as ZooKeeper's AvgMinMaxCounter. */
    public synchronized double avgLatency() {
        if (latency.count() == 0) {
            return 0;
        }
        return new BigDecimal(latency.total() / (double) latency.count())
                .setScale(4, RoundingMode.HALF_UP)
                .doubleValue();
    }

    public synchronized long latencyCount() {
        return latency.count();
    }

    public synchronized int lastResponseSize() {
        return lastResponseSize;
    }

    public synchronized int minResponseSize() {
        return minResponseSize;
    }

    public synchronized int maxResponseSize() {
        return maxResponseSize;
    }

    public long uptimeMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** srst: clears latency, packet counters and reply sizes. */
    public synchronized void reset() {
        latency.reset();
        packetsReceived.set(0);
        packetsSent.set(0);
        lastResponseSize = -1;
        minResponseSize = -1;
        maxResponseSize = -1;
    }
}
