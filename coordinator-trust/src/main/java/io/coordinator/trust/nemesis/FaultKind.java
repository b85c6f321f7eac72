package io.coordinator.trust.nemesis;

/** The faults the nemesis injects, one per round, in this order. */
public enum FaultKind {
    /** SIGKILL the leader; restart it at heal. */
    KILL_LEADER,
    /** SIGKILL a follower; restart it at heal. */
    KILL_FOLLOWER,
    /** SIGSTOP the leader for longer than the session timeout; SIGCONT at heal. */
    PAUSE_LEADER,
    PAUSE_FOLLOWER,
    /** Blackhole every quorum and election link of the leader (silent: only timeouts notice). */
    PARTITION_LEADER,
    /** Drop (reset) every link of a follower. */
    PARTITION_FOLLOWER,
    /** Every fsync of the leader takes 400 ms more. */
    SLOW_FSYNC,
    /** Every fsync of the leader fails: it must stop acknowledging; cleared, killed and restarted at heal. */
    FAIL_FSYNC,
    /**
     * The leader's wall clock (txn times, TTL expiry) jumps one hour ahead, halfway through one hour behind, and
     * back to the real time at heal: sessions, ticks and timeouts run on a monotonic clock and must not notice.
     */
    CLOCK_JUMP,
    /**
     * Every fsync of a follower takes 400 ms more: it lags behind the quorum, so a sync on it must wait for the
     * leader's sync point (a read ahead of it shows). Last, so the CI profile's 9 rounds keep their kinds.
     */
    SLOW_FSYNC_FOLLOWER
}
