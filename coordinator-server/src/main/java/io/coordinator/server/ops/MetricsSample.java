package io.coordinator.server.ops;

/**
 * One second of a member's life, as the console's charts draw it. Rates and the p99 cover the second before
 * {@code time}; the counts are read at {@code time}.
 *
 * @param time             wall-clock time of the sample, epoch milliseconds
 * @param readsPerSecond   client reads answered (getData, exists, getChildren, getACL, multiRead, ...)
 * @param writesPerSecond  client writes answered (create, delete, setData, setACL, multi, closeSession, ...)
 * @param p99Micros        99th percentile latency of those reads and writes, 0 when there were none
 * @param fsyncMicros      mean duration of the transaction log's fsyncs in the second, 0 when there were none
 * @param fsyncs           fsyncs in the second
 * @param outstanding      requests received and not yet answered
 * @param zxid             last applied zxid, hex
 */
public record MetricsSample(
        long time,
        double readsPerSecond,
        double writesPerSecond,
        long p99Micros,
        long fsyncMicros,
        long fsyncs,
        int outstanding,
        int sessions,
        int znodes,
        int watches,
        String zxid) {}
