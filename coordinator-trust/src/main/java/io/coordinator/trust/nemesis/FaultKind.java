package io.coordinator.trust.nemesis;

import java.util.Arrays;
import java.util.List;

/**
 * The faults the nemesis injects, one kind per round, in this order ({@link #rotation()}: the three before
 * {@link #RECONFIG} combine two faults).
 */
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
     * leader's sync point (a read ahead of it shows).
     */
    SLOW_FSYNC_FOLLOWER,
    /**
     * Two faults at once: a follower's links are dropped and the leader is SIGKILLed. A 3-node ensemble has no
     * quorum until the heal, where the partitioned follower (with the shortest log) and the restarted leader
     * (with the longest) elect; 5 nodes keep a quorum of 3.
     */
    PARTITION_FOLLOWER_KILL_LEADER,
    /**
     * The leader is paused (SIGSTOP) while every other member's wall clock jumps one hour ahead, halfway one hour
     * behind: the new leader's txn times and TTLs run on a jumped clock, the old one resumes into it at heal.
     */
    PAUSE_LEADER_CLOCK_JUMP,
    /**
     * The leader is SIGKILLed while it writes a snapshot: the fsync of its snapshot's temporary file is held
     * (storage fault {@code slow-snapshot}), and the kill comes once that file exists (or after
     * {@link Nemesis#SNAPSHOT_WAIT_MILLIS} without one, which the round's description says).
     */
    KILL_LEADER_IN_SNAPSHOT,
    /**
     * A membership change under a crash, with zkCli's own {@code reconfig} as the harness's super user: the
     * ensemble's spares (a voter and an observer) are added with {@code reconfig -add} and the leader is
     * SIGKILLed (the grown ensemble elects without it); halfway it is restarted, and at heal {@code reconfig
     * -remove} takes the spares out again. Needs an ensemble with spares, and only runs when asked for by name:
     * the reconfigs' config text routes the members' links through one member's proxies (see {@link Ensemble}).
     */
    RECONFIG;

    /** The kinds a run of "all" cycles through: every one but {@link #RECONFIG}. */
    public static List<FaultKind> rotation() {
        return Arrays.stream(values()).filter(k -> k != RECONFIG).toList();
    }
}
