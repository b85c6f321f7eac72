package io.coordinator.server.zab;

/**
 * The leader's quorum questions over its learners' progress (as etcd-io/raft's {@code tracker} asks
 * {@code quorum/majority.go}): has a quorum acknowledged NEWLEADER, up to which zxid is the history durable on a
 * quorum, is a quorum still heard from. The leader itself always counts as one voter with its own durable zxid.
 */
final class QuorumTracker {
    private final Majority majority;
    private final long[] scratch; // one slot per voter: learners are keyed by server id, so never more

    QuorumTracker(Majority majority, int voters) {
        this.majority = majority;
        this.scratch = new long[voters];
    }

    /** Whether the leader and the voters that acknowledged NEWLEADER are a quorum. */
    boolean newLeaderAcked(Iterable<LearnerProgress> learners) {
        int n = 1;
        for (LearnerProgress p : learners) {
            if (p.countsForQuorum()) {
                n++;
            }
        }
        return majority.reached(n);
    }

    /**
     * The highest zxid durable on a quorum: the leader's own {@code leaderDurable} and what each voter that
     * acknowledged NEWLEADER acked since; -1 if those are not a quorum.
     */
    long durableOnQuorum(long leaderDurable, Iterable<LearnerProgress> learners) {
        long[] acks = scratch;
        int n = 0;
        acks[n++] = leaderDurable;
        for (LearnerProgress p : learners) {
            if (p.countsForQuorum()) {
                acks[n++] = p.acked;
            }
        }
        return majority.committed(acks, n);
    }

    /** Whether the leader heard from a quorum (itself included) within the last {@code syncLimitTicks}. */
    boolean heardFrom(Iterable<LearnerProgress> learners, long now, int syncLimitTicks) {
        int heard = 1;
        for (LearnerProgress p : learners) {
            if (p.countsForQuorum() && now - p.lastHeard <= syncLimitTicks) {
                heard++;
            }
        }
        return majority.reached(heard);
    }
}
