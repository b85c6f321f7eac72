package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Sim} with membership changes during the chaos ({@code reconfigs}): two spare servers, and reconfigs
 * that add them (as voters or observers), remove voters (the leader included) and observers, and turn observers
 * into participants and back, under the same crashes, partitions, lossy network and lossy disks. Besides the
 * invariants of {@link ZabSimulationTest} (checked with the config each txn was committed under): every
 * committed txn stays durable on a quorum of that config and of every later one, a serving leader is a voter of
 * its config, no two serving leaders in one epoch, and after healing every member of the last committed config
 * has applied the same history and holds that config, none pending (a reconfig commits everywhere or nowhere).
 * {@code -Dzab.reconfig.seeds=N} (default 3000), {@code -Dzab.reconfig.seed=S} runs seed S alone with a trace.
 */
class ZabReconfigSimulationTest {

    @Test
    @DisplayName("deterministic simulation with reconfigs: members added, removed (the leader too), converted")
    void simulate() {
        String one = System.getProperty("zab.reconfig.seed");
        if (one != null) {
            runOne(Long.parseLong(one), true);
            return;
        }
        int seeds = Integer.getInteger("zab.reconfig.seeds", 3000);
        long t0 = System.nanoTime();
        long steps = 0;
        long proposed = 0;
        long committed = 0;
        long joins = 0;
        long leaderRemovals = 0;
        long crashes = 0;
        long leaderships = 0;
        Map<String, Long> refused = new TreeMap<>();
        Sim.Stats power = new Sim.Stats();
        for (long seed = 0; seed < seeds; seed++) {
            Sim sim = runOne(seed, false);
            steps += sim.steps;
            proposed += sim.stats.reconfigsProposed;
            committed += sim.stats.reconfigsCommitted;
            joins += sim.stats.joins;
            leaderRemovals += sim.stats.leaderRemovals;
            crashes += sim.stats.crashes;
            power.add(sim.stats);
            leaderships += sim.stats.leaderships;
            sim.stats.reconfigsRefused.forEach((k, v) -> refused.merge(k, v, Long::sum));
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(
                "zab reconfig sim: %d seeds in %.1f s, %d steps, %d crashes, %d established leaders, %d servers"
                        + " started to join, %d reconfigs proposed (%d proposing the leader's removal), %d committed,"
                        + " refused: %s; %s%n",
                seeds,
                ms / 1000,
                steps,
                crashes,
                leaderships,
                joins,
                proposed,
                leaderRemovals,
                committed,
                refused,
                power.crashModes());
        ZabSimulationTest.assertCrashModesExercised(power);
        assertTrue(committed > seeds / 2, "too few reconfigs committed to mean anything: " + committed);
        assertTrue(leaderRemovals > 0 && joins > 0, "no leader removal or no join");
    }

    private static Sim runOne(long seed, boolean trace) {
        Sim sim = new Sim(seed, trace, true);
        try {
            sim.run();
            return sim;
        } catch (Sim.SimFailure f) {
            if (!trace) {
                try {
                    new Sim(seed, true, true).run();
                } catch (Sim.SimFailure traced) {
                    fail(
                            "simulation failed; re-run with -Dzab.reconfig.seed=" + seed + "\n" + traced.getMessage(),
                            traced);
                }
                fail("simulation failed only without trace (non-determinism!) seed=" + seed + "\n" + f.getMessage(), f);
            }
            fail("simulation failed; re-run with -Dzab.reconfig.seed=" + seed + "\n" + f.getMessage(), f);
            return sim;
        }
    }
}
