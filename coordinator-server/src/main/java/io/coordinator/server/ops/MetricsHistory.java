package io.coordinator.server.ops;

import io.coordinator.server.request.ServerView;
import io.coordinator.server.storage.GroupCommitLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The last ten minutes of this member, one {@link MetricsSample} a second, kept in memory for the console's
 * charts: no Prometheus needed to see a trend. Requests are counted as the client port answers them (the same
 * hook as the Micrometer timers); everything else is read from the server when the sample is taken.
 */
public final class MetricsHistory extends PeriodicTask {
    /** Ten minutes at one sample a second. */
    public static final int CAPACITY = 600;

    // cons abbreviations of the answered ops (NettyClientConnection.lastOpName); pings and watch bookkeeping are
    // neither, so an idle fleet of clients draws a flat line
    private static final Set<String> WRITES = Set.of("CREA", "DELE", "SETD", "SETA", "MULT", "RECO", "CLOS");
    private static final Set<String> READS = Set.of("GETD", "EXIS", "GETC", "GETA", "MLTR", "GETACN", "GETE");

    private final ServerHandle server;
    private final LongSupplier clock;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    // latencies in µs, up to an hour, 2 significant digits: about 30 KB, and interval snapshots without locking
    private final Recorder latency = new Recorder(3_600_000_000L, 2);
    private final MetricsSample[] ring = new MetricsSample[CAPACITY];
    private int next;
    private int size;
    private long lastNanos = -1;
    private long lastFsyncs;
    private long lastFsyncNanos;
    private Histogram recycled;
    private final RequestListening requests;

    public MetricsHistory(ServerHandle server) {
        this(server, System::currentTimeMillis);
    }

    MetricsHistory(ServerHandle server, LongSupplier clock) {
        // with CoordinatorMetrics: just after the server has started
        super("coordinator-metrics-history", Duration.ofSeconds(1), Duration.ofSeconds(1), Integer.MAX_VALUE - 999);
        this.server = server;
        this.requests = new RequestListening(server, this::requestCompleted);
        this.clock = clock;
    }

    /** Told of every answered client request, with its op as {@code cons} names it. */
    void requestCompleted(String op, long nanos) {
        boolean write = WRITES.contains(op);
        if (!write && !READS.contains(op)) {
            return;
        }
        (write ? writes : reads).increment();
        latency.recordValue(Math.min(Math.max(1, nanos / 1000), 3_600_000_000L));
    }

    /** Takes one sample (the timer calls this every second). */
    synchronized void sample() {
        long now = System.nanoTime();
        double seconds = lastNanos < 0 ? 1 : Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        long r = reads.sumThenReset();
        long w = writes.sumThenReset();
        recycled = latency.getIntervalHistogram(recycled);
        long p99 = recycled.getTotalCount() == 0 ? 0 : recycled.getValueAtPercentile(99);
        GroupCommitLog log = server.commitLog();
        long fsyncs = 0;
        long fsyncMicros = 0;
        if (log != null) {
            long count = log.fsyncCount();
            long total = log.totalFsyncNanos();
            fsyncs = Math.max(0, count - lastFsyncs);
            fsyncMicros = fsyncs == 0 ? 0 : (total - lastFsyncNanos) / fsyncs / 1000;
            lastFsyncs = count;
            lastFsyncNanos = total;
        }
        ServerView view = server.view();
        ring[next] = new MetricsSample(
                clock.getAsLong(),
                Math.round(r / seconds * 10) / 10.0,
                Math.round(w / seconds * 10) / 10.0,
                p99,
                fsyncMicros,
                fsyncs,
                view == null ? 0 : view.outstandingRequests(),
                view == null ? 0 : view.sessionCount(),
                view == null ? 0 : view.nodeCount(),
                view == null ? 0 : view.watchCount(),
                "0x" + Long.toHexString(view == null ? 0 : view.lastProcessedZxid()));
        next = (next + 1) % CAPACITY;
        size = Math.min(CAPACITY, size + 1);
    }

    /** The newest {@code n} samples (all for n >= {@link #CAPACITY}), oldest first. */
    public synchronized List<MetricsSample> last(int n) {
        int count = Math.min(Math.max(0, n), size);
        List<MetricsSample> out = new ArrayList<>(count);
        for (int i = count; i > 0; i--) {
            out.add(ring[Math.floorMod(next - i, CAPACITY)]);
        }
        return out;
    }

    @Override
    protected boolean starting() {
        requests.attach();
        return true;
    }

    @Override
    protected void runOnce() {
        try {
            sample();
        } catch (RuntimeException e) {
            // a server stopping under us: the next second tries again
        }
    }
}
