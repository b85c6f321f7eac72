package io.coordinator.server.zab;

/**
 * The leader's quorum questions over its learners' progress (as etcd-io/raft's {@code tracker} asks
 * {@code quorum/majority.go}): has a quorum acknowledged NEWLEADER, up to which zxid is the history durable on a
 * quorum, is a quorum still heard from. Asked of every configuration the leader must respect ({@link Configs}:
 * the committed one and a pending reconfig's, whose commit needs both); the answer is the weakest of them. In
 * each, the leader counts as a voter with its own durable zxid if it is one, and a learner counts if it is a
 * follower that acknowledged NEWLEADER and a voter of that configuration.
 */
final class QuorumTracker {
    private final Configs configs;
    private final int leaderId;
    private long[] scratch = new long[8]; // grown to the largest voter count; no allocation per ack

    QuorumTracker(Configs configs, int leaderId) {
        this.configs = configs;
        this.leaderId = leaderId;
    }

    /** Whether the leader and the voters that acknowledged NEWLEADER are a quorum of every configuration. */
    boolean newLeaderAcked(Iterable<LearnerProgress> learners) {
        for (ZabConfig c : configs.all()) {
            int n = c.isVoter(leaderId) ? 1 : 0;
            for (LearnerProgress p : learners) {
                if (p.countsForQuorum() && c.isVoter(p.id)) {
                    n++;
                }
            }
            if (!c.reached(n)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The highest zxid durable on a quorum of every configuration: the leader's own {@code leaderDurable} and
     * what each voter that acknowledged NEWLEADER acked since; -1 if those are not a quorum of one of them.
     */
    long durableOnQuorum(long leaderDurable, Iterable<LearnerProgress> learners) {
        long result = Long.MAX_VALUE;
        for (ZabConfig c : configs.all()) {
            if (scratch.length < c.peers().size()) {
                scratch = new long[c.peers().size()];
            }
            long[] acks = scratch;
            int n = 0;
            if (c.isVoter(leaderId)) {
                acks[n++] = leaderDurable;
            }
            for (LearnerProgress p : learners) {
                if (p.countsForQuorum() && c.isVoter(p.id)) {
                    acks[n++] = p.acked;
                }
            }
            long z = Majority.committed(acks, n, c.quorum());
            if (z < 0) {
                return -1;
            }
            result = Math.min(result, z);
        }
        return result;
    }

    /** Whether the leader heard from a quorum (itself included) of every configuration within syncLimit ticks. */
    boolean heardFrom(Iterable<LearnerProgress> learners, long now, int syncLimitTicks) {
        for (ZabConfig c : configs.all()) {
            int heard = c.isVoter(leaderId) ? 1 : 0;
            for (LearnerProgress p : learners) {
                if (p.countsForQuorum() && c.isVoter(p.id) && now - p.lastHeard <= syncLimitTicks) {
                    heard++;
                }
            }
            if (!c.reached(heard)) {
                return false;
            }
        }
        return true;
    }
}
