package io.coordinator.server.zab;

import java.util.Arrays;

/**
 * Majority math over the voters, as etcd-io/raft's {@code quorum/majority.go}: a quorum is a strict majority of
 * the voters; observers never count. Election, discovery, establishment, commit and the leader's liveness all ask
 * it the same two questions.
 */
final class Majority {
    private final int voters;
    private final int quorum;

    Majority(int voters) {
        if (voters < 1) {
            throw new IllegalArgumentException("no voters");
        }
        this.voters = voters;
        this.quorum = voters / 2 + 1;
    }

    /** The smallest number of voters that is a quorum. */
    int size() {
        return quorum;
    }

    /** Whether {@code count} voters are a quorum. */
    boolean reached(int count) {
        return count >= quorum;
    }

    /** Whether {@code count} voters are all of them (nothing can change the outcome any more). */
    boolean unanimous(int count) {
        return count >= voters;
    }

    /**
     * The highest zxid that a quorum has reached, given the zxid each of {@code n} voters has reached (made
     * durable); -1 if fewer than a quorum reported. May reorder {@code zxids[0..n)} (it sorts in place: no
     * allocation, this runs on every ack).
     */
    long committed(long[] zxids, int n) {
        return committed(zxids, n, quorum);
    }

    /** {@link #committed(long[], int)} for a quorum of {@code quorum} voters. */
    static long committed(long[] zxids, int n, int quorum) {
        if (n < quorum) {
            return -1;
        }
        Arrays.sort(zxids, 0, n);
        return zxids[n - quorum];
    }
}
