package io.coordinator.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final SimSeeds SEEDS = new SimSeeds(true, "zab.reconfig.seed");

    @Test
    @DisplayName("deterministic simulation with reconfigs: members added, removed (the leader too), converted")
    void simulate() {
        if (SEEDS.ranNamedSeed()) {
            return;
        }
        SimSeeds.Totals t = SEEDS.run(0, Integer.getInteger("zab.reconfig.seeds", 3000));
        Sim.Stats s = t.stats();
        System.out.printf(
                "zab reconfig sim: %d seeds in %.1f s, %d steps, %d crashes, %d established leaders, %d servers"
                        + " started to join, %d reconfigs proposed (%d proposing the leader's removal), %d committed,"
                        + " refused: %s; %s%n",
                t.seeds(),
                t.ms() / 1000,
                t.steps(),
                s.crashes,
                s.leaderships,
                s.joins,
                s.reconfigsProposed,
                s.leaderRemovals,
                s.reconfigsCommitted,
                s.reconfigsRefused,
                s.crashModes());
        ZabSimulationTest.assertCrashModesExercised(s);
        assertTrue(
                s.reconfigsCommitted > t.seeds() / 2,
                "too few reconfigs committed to mean anything: " + s.reconfigsCommitted);
        assertTrue(s.leaderRemovals > 0 && s.joins > 0, "no leader removal or no join");
    }
}
