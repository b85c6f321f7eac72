package io.coordinator.server.net;

/**
 * Count, total, minimum and maximum of request latencies in milliseconds, as ZooKeeper's AvgMinMaxCounter
 * keeps them: for the server ({@link ServerStats}) and for each connection ({@link NettyClientConnection}).
 * Not thread-safe: its owner guards it.
 */
final class LatencyCounter {

    private long count;
    private long total;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    void add(long millis) {
        count++;
        total += millis;
        min = Math.min(min, millis);
        max = Math.max(max, millis);
    }

    long count() {
        return count;
    }

    long total() {
        return total;
    }

    /** The smallest latency, 0 when there was none. */
    long min() {
        return count == 0 ? 0 : min;
    }

    /** The largest latency, 0 when there was none. */
    long max() {
        return count == 0 ? 0 : max;
    }

    void reset() {
        count = 0;
        total = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
    }
}
