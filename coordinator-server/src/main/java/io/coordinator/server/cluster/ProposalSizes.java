package io.coordinator.server.cluster;

/** Sizes of the proposals this server made as leader (bytes of each txn record): last, smallest, largest. */
public final class ProposalSizes {
    private volatile long last = -1;
    private volatile long min = -1;
    private volatile long max = -1;

    /** Pipeline thread only (one writer); readers on any thread see each value whole. */
    void record(long size) {
        last = size;
        min = min < 0 ? size : Math.min(min, size);
        max = Math.max(max, size);
    }

    /** -1 until the first proposal. */
    public long last() {
        return last;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }
}
