package io.coordinator.trust.nemesis;

import io.coordinator.testsupport.FaultProxy;
import java.io.IOException;

/** Injects one fault into the ensemble and heals it. */
public final class Nemesis {
    /** How far CLOCK_JUMP moves the leader's wall clock, ahead and then behind. */
    public static final long CLOCK_JUMP_MILLIS = 3_600_000L;

    private final Ensemble ensemble;
    private FaultKind active;
    private ServerNode target;

    public Nemesis(Ensemble ensemble) {
        this.ensemble = ensemble;
    }

    /** Injects {@code kind}; returns what it did, for the log. */
    public String inject(FaultKind kind) throws IOException, InterruptedException {
        ServerNode leader = ensemble.leader().orElse(ensemble.nodes.get(0));
        boolean onLeader = switch (kind) {
            case KILL_LEADER, PAUSE_LEADER, PARTITION_LEADER, SLOW_FSYNC, FAIL_FSYNC, CLOCK_JUMP -> true;
            default -> false;
        };
        target = onLeader ? leader : ensemble.follower(leader);
        active = kind;
        switch (kind) {
            case KILL_LEADER, KILL_FOLLOWER -> target.kill();
            case PAUSE_LEADER, PAUSE_FOLLOWER -> target.pause();
            case PARTITION_LEADER -> ensemble.isolate(target, FaultProxy.Mode.BLACKHOLE);
            case PARTITION_FOLLOWER -> ensemble.isolate(target, FaultProxy.Mode.DROP);
            case SLOW_FSYNC, SLOW_FSYNC_FOLLOWER -> target.storageFault("slow 400");
            case FAIL_FSYNC -> target.storageFault("fail");
            case CLOCK_JUMP -> target.clockOffset(CLOCK_JUMP_MILLIS);
        }
        return kind + " on " + target + (onLeader ? " (leader)" : "");
    }

    /** Halfway through the fault: CLOCK_JUMP jumps back, from one hour ahead to one hour behind; others do nothing. */
    public String midway() throws IOException {
        if (active == FaultKind.CLOCK_JUMP) {
            target.clockOffset(-CLOCK_JUMP_MILLIS);
            return "clock of " + target + " jumped to " + (-CLOCK_JUMP_MILLIS) + " ms";
        }
        return null;
    }

    /** Undoes the active fault: restart, resume, reconnect, or clear the storage fault (and restart). */
    public void heal() throws IOException, InterruptedException {
        if (active == null) {
            return;
        }
        switch (active) {
            case KILL_LEADER, KILL_FOLLOWER -> target.start();
            case PAUSE_LEADER, PAUSE_FOLLOWER -> target.resume();
            case PARTITION_LEADER, PARTITION_FOLLOWER -> ensemble.healNetwork();
            case SLOW_FSYNC, SLOW_FSYNC_FOLLOWER -> target.storageFault("");
            case FAIL_FSYNC -> {
                target.storageFault("");
                target.kill(); // a failed log is fatal: the server stopped serving and needs a restart
                target.start();
            }
            case CLOCK_JUMP -> target.clockOffset(0);
        }
        active = null;
    }

    /** Best effort in a finally block: leave no process paused and no link cut. */
    public void healQuietly() {
        try {
            heal();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the ensemble is closed next anyway
        }
        ensemble.healNetwork();
    }
}
