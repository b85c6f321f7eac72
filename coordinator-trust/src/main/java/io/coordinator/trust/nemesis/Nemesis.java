package io.coordinator.trust.nemesis;

import io.coordinator.testsupport.FaultProxy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Injects one fault (or one combination of two) into the ensemble and heals it. */
public final class Nemesis {
    /** How far CLOCK_JUMP moves the leader's wall clock, ahead and then behind. */
    public static final long CLOCK_JUMP_MILLIS = 3_600_000L;
    /** How long KILL_LEADER_IN_SNAPSHOT waits for the leader to begin a snapshot before it kills anyway. */
    public static final long SNAPSHOT_WAIT_MILLIS = 8_000L;
    /** How long the leader's snapshot fsync is held, so the kill lands inside it. */
    private static final long SNAPSHOT_HOLD_MILLIS = 20_000L;

    private final Ensemble ensemble;
    private FaultKind active;
    private ServerNode target;
    /** The members whose clocks PAUSE_LEADER_CLOCK_JUMP moved; the follower PARTITION_FOLLOWER_KILL_LEADER cut. */
    private List<ServerNode> others = List.of();

    public Nemesis(Ensemble ensemble) {
        this.ensemble = ensemble;
    }

    /** Injects {@code kind}; returns what it did, for the log. */
    public String inject(FaultKind kind) throws IOException, InterruptedException {
        ServerNode leader = ensemble.leader().orElse(ensemble.nodes.get(0));
        boolean onLeader = switch (kind) {
            case KILL_FOLLOWER, PAUSE_FOLLOWER, PARTITION_FOLLOWER, SLOW_FSYNC_FOLLOWER -> false;
            default -> true;
        };
        target = onLeader ? leader : ensemble.follower(leader);
        active = kind;
        others = List.of();
        String also = "";
        switch (kind) {
            case KILL_LEADER, KILL_FOLLOWER -> target.kill();
            case PAUSE_LEADER, PAUSE_FOLLOWER -> target.pause();
            case PARTITION_LEADER -> ensemble.isolate(target, FaultProxy.Mode.BLACKHOLE);
            case PARTITION_FOLLOWER -> ensemble.isolate(target, FaultProxy.Mode.DROP);
            case SLOW_FSYNC, SLOW_FSYNC_FOLLOWER -> target.storageFault("slow 400");
            case FAIL_FSYNC -> target.storageFault("fail");
            case CLOCK_JUMP -> target.clockOffset(CLOCK_JUMP_MILLIS);
            case PARTITION_FOLLOWER_KILL_LEADER -> {
                others = List.of(ensemble.follower(leader));
                ensemble.isolate(others.get(0), FaultProxy.Mode.DROP);
                target.kill();
                also = ", links of " + others.get(0) + " dropped";
            }
            case PAUSE_LEADER_CLOCK_JUMP -> {
                others = ensemble.nodes.stream().filter(n -> n != leader).toList();
                for (ServerNode n : others) {
                    n.clockOffset(CLOCK_JUMP_MILLIS);
                }
                target.pause();
                also = ", clocks of " + others + " jumped " + CLOCK_JUMP_MILLIS + " ms";
            }
            case KILL_LEADER_IN_SNAPSHOT -> also = killInSnapshot();
            case RECONFIG -> {
                if (ensemble.spares.isEmpty()) {
                    throw new IllegalStateException("RECONFIG needs an ensemble with spares");
                }
                String lines = String.join(
                        ",",
                        ensemble.spares.stream().map(ServerNode::reconfigLine).toList());
                long version = ZkCliReconfig.run(
                        ensemble.connectString(),
                        "reconfig -add " + lines,
                        config -> ensemble.spares.stream().allMatch(n -> config.contains(n.reconfigLine())));
                target.kill();
                also = ", after zkCli reconfig -add " + ensemble.spares + " (config version 0x"
                        + Long.toHexString(version) + ")";
            }
        }
        return kind + " on " + target + (onLeader ? " (leader)" : "") + also;
    }

    /** Holds the leader's next snapshot fsync, waits for its temporary file, and kills the leader inside it. */
    private String killInSnapshot() throws IOException, InterruptedException {
        target.storageFault("slow-snapshot " + SNAPSHOT_HOLD_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_WAIT_MILLIS);
        boolean inSnapshot;
        while (!(inSnapshot = target.writingSnapshot()) && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling another process's files: there is no event to wait on
        }
        target.kill();
        target.storageFault("");
        return inSnapshot ? ", killed while writing a snapshot" : ", no snapshot began within the wait: killed anyway";
    }

    /** Halfway through the fault: the jumped clocks jump back, from one hour ahead to one hour behind. */
    public String midway() throws IOException {
        if (active == FaultKind.CLOCK_JUMP) {
            target.clockOffset(-CLOCK_JUMP_MILLIS);
            return "clock of " + target + " jumped to " + (-CLOCK_JUMP_MILLIS) + " ms";
        }
        if (active == FaultKind.RECONFIG) {
            target.start();
            return target + " restarted";
        }
        if (active == FaultKind.PAUSE_LEADER_CLOCK_JUMP) {
            for (ServerNode n : others) {
                n.clockOffset(-CLOCK_JUMP_MILLIS);
            }
            return "clocks of " + others + " jumped to " + (-CLOCK_JUMP_MILLIS) + " ms";
        }
        return null;
    }

    /** Undoes the active fault: restart, resume, reconnect, or clear the storage fault (and restart). */
    public void heal() throws IOException, InterruptedException {
        if (active == null) {
            return;
        }
        switch (active) {
            case KILL_LEADER, KILL_FOLLOWER, KILL_LEADER_IN_SNAPSHOT -> target.start();
            case PAUSE_LEADER, PAUSE_FOLLOWER -> target.resume();
            case PARTITION_LEADER, PARTITION_FOLLOWER -> ensemble.healNetwork();
            case SLOW_FSYNC, SLOW_FSYNC_FOLLOWER -> target.storageFault("");
            case FAIL_FSYNC -> {
                target.storageFault("");
                target.kill(); // a failed log is fatal: the server stopped serving and needs a restart
                target.start();
            }
            case CLOCK_JUMP -> target.clockOffset(0);
            case PARTITION_FOLLOWER_KILL_LEADER -> {
                target.start();
                ensemble.healNetwork();
            }
            case PAUSE_LEADER_CLOCK_JUMP -> {
                for (ServerNode n : others) {
                    n.clockOffset(0);
                }
                target.resume();
            }
            case RECONFIG -> {
                if (!target.isAlive()) {
                    target.start(); // heal came before midway
                }
                awaitServing(ensemble.spares); // they were members, not only named in a config
                String ids = String.join(
                        ",",
                        ensemble.spares.stream()
                                .map(n -> Integer.toString(n.id))
                                .toList());
                ZkCliReconfig.run(
                        ensemble.connectString(),
                        "reconfig -remove " + ids,
                        config -> ensemble.spares.stream().noneMatch(n -> config.contains("server." + n.id + "=")));
            }
        }
        active = null;
    }

    /** Until every one of {@code servers} serves as a follower or observer; fails after a minute. */
    private static void awaitServing(List<ServerNode> servers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ServerNode n : servers) {
            while (!List.of("follower", "observer", "leader").contains(String.valueOf(n.mode()))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(n + " was added by reconfig but does not serve");
                }
                Thread.sleep(200); // polling another process's srvr: there is no event to wait on
            }
        }
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
